/**
 * A real service over a real store — LevelDB in a temp directory, or a fresh
 * database on a throwaway PostgreSQL cluster (ANXIN_TEST_BACKEND=postgres, or
 * the `backend` option) — with a controllable clock and helpers to make keys
 * and sign events. Tests drive `app` with supertest.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import request from 'supertest';
import {
  Ledger,
  openStore,
  type LogStore,
  cosignEnvelope,
  generateKey,
  nodeSuite,
  parseKeyFile,
  signEnvelope,
  signRequest,
  type Envelope,
  type LedgerOptions,
  type SigningKey,
} from '../../ledger/index.js';
import { buildApp, type App, type AppDeps } from '../../src/app.js';
import { AccessLog } from '../../src/http/access-log.js';
import { Catalogue } from '../../src/domain/catalogue.js';
import type { Config } from '../../src/config.js';
import { domainsOf, PLUGINS, type Plugin } from '../../src/plugins.js';
import { testBackend, tamperWith, type Backend, type Tamper } from './backends.js';
import { freshDatabase } from './postgres.js';

export const T0 = Date.parse('2026-11-22T08:00:00.000Z');

export class Clock {
  constructor(public ms = T0) {}
  now = () => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
  iso(): string {
    return new Date(this.ms).toISOString();
  }
}

export const newKey = (id: string): SigningKey => parseKeyFile(nodeSuite, JSON.stringify(generateKey(id)));

let seq = 0;
export const eventId = (prefix = 'evt'): string =>
  `${prefix}-${process.pid}-${Date.now().toString(36)}-${(seq++).toString(36)}`.slice(0, 64);

export interface SignOptions {
  id?: string;
  at?: string;
  actor?: string;
  holder?: SigningKey;
}

export const signEvent = (key: SigningKey, type: string, body: unknown, clock: Clock, o: SignOptions = {}): Envelope => {
  const env = signEnvelope(nodeSuite, key.seed, {
    v: 1,
    id: o.id ?? eventId(type.replace(/\W/g, '')),
    type,
    actor: o.actor ?? key.id,
    at: o.at ?? clock.iso(),
    body,
  });
  return o.holder ? cosignEnvelope(nodeSuite, o.holder.seed, env, 'holder') : env;
};

export interface Fixture {
  /** A temp directory (the LevelDB store's, on LevelDB). */
  dir: string;
  backend: Backend;
  /** The PostgreSQL URL of this fixture's database, on PostgreSQL. */
  database?: string;
  ledger: Ledger;
  /** Raw writes to the store under the ledger, for damage tests. */
  tamper: Tamper;
  app: App;
  config: Config;
  clock: Clock;
  operator: SigningKey;
  regulator: SigningKey;
  catalogue: Catalogue;
  /** Signs and posts one event; returns the supertest response. */
  post(key: SigningKey, type: string, body: unknown, o?: SignOptions): request.Test;
  /** Posts an already signed envelope. */
  postEnvelope(env: unknown): request.Test;
  /** A GET signed (RFC 9421) by `key` (as `keyid`, default key.id). */
  get(path: string, key?: SigningKey, keyid?: string): request.Test;
  /** Registers an actor; returns its key. */
  register(id: string, role: string, extra?: Record<string, unknown>): Promise<SigningKey>;
  state(): { size: number; head: string };
  close(): Promise<void>;
}

export const ORIGIN = 'anxin.test/ledger';

export interface FixtureOptions {
  plugins?: readonly Plugin[];
  clock?: Clock;
  /** Which store the ledger lives in (default: ANXIN_TEST_BACKEND, else LevelDB). */
  backend?: Backend;
  /** An empty directory for the ledger (default: a new temp directory, removed on close). */
  dir?: string;
  /** Engine options beyond the fixture's (fault-injection seams, recovery timing). */
  ledger?: Pick<LedgerOptions, 'beforeWrite' | 'recoveryRetryMs'>;
  /** App dependencies beyond the fixture's. */
  app?: Partial<AppDeps>;
}

export const startFixture = async (options: FixtureOptions = {}): Promise<Fixture> => {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'anxin-test-'));
  const backend = options.backend ?? testBackend();
  const database = backend === 'postgres' ? await freshDatabase() : undefined;
  const store: LogStore = await openStore({ path: dir, database, create: true });
  const clock = options.clock ?? new Clock();
  const operator = newKey('operator');
  const regulator = newKey('regulator');
  const plugins = options.plugins ?? PLUGINS;
  const catalogue = new Catalogue(domainsOf(plugins));
  const ledger = await Ledger.open({
    store,
    origin: ORIGIN,
    operator,
    now: clock.now,
    ...options.ledger,
    genesis: {
      regulators: [{ id: regulator.id, name: '椒江区市场监督管理局', publicKey: regulator.publicKey }],
      state: (entry) => catalogue.genesisState(entry),
    },
  });
  const config: Config = {
    port: 0,
    dataDir: dir,
    origin: ORIGIN,
    operatorKeyPath: join(dir, 'operator.key'),
    regulatorPublicKey: regulator.publicKey,
    regulatorId: regulator.id,
    maxSkewS: 600,
    publicUrl: 'http://anxin.test',
  };
  const accessLog = await AccessLog.open(join(dir, 'access-log'));
  const app = buildApp({ ledger, config, now: clock.now, plugins, logger: pino({ level: 'silent' }), accessLog, ...options.app });
  const f: Fixture = {
    dir,
    backend,
    database,
    ledger,
    tamper: tamperWith(store, database),
    app,
    config,
    clock,
    operator,
    regulator,
    catalogue,
    post: (key, type, body, o) =>
      request(app)
        .post('/v1/events')
        .send(signEvent(key, type, body, clock, o)),
    postEnvelope: (env) =>
      request(app)
        .post('/v1/events')
        .send(env as object),
    get: (path, key, keyid) => {
      const req = request(app).get(path);
      if (!key) return req;
      const h = signRequest(
        nodeSuite,
        { id: keyid ?? key.id, seed: key.seed },
        { method: 'GET', target: path },
        Math.floor(clock.ms / 1000),
      );
      return req.set('Signature-Input', h['Signature-Input']).set('Signature', h.Signature);
    },
    register: async (id, role, extra = {}) => {
      const key = newKey(id);
      const res = await f.post(regulator, 'actor.register', { id, role, name: `${role} ${id}`, publicKey: key.publicKey, ...extra });
      if (res.status !== 201) throw new Error(`register ${id}: ${res.status} ${JSON.stringify(res.body)}`);
      return key;
    },
    state: () => ({ size: ledger.size, head: ledger.checkpoint.head }),
    close: async () => {
      await ledger.close();
      await accessLog.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return f;
};
