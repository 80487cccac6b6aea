/**
 * The service as it is deployed (src/server.ts, compiled to dist/ by `npm run
 * build`) in a child process: the first start on a new data directory writes the
 * genesis entry and the key files of SPEC §4; a later start reuses them; SIGTERM
 * and SIGINT shut down gracefully and leave a ledger that verifies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  fromBase64Url,
  nodeSuite,
  readKeyFile,
  verifyCheckpoint,
  verifyDataDir,
  type SigningKey,
  signRequest,
} from '../../ledger/index.js';
import { AnxinClient } from '../../src/client/client.js';
import { Catalogue } from '../../src/domain/catalogue.js';
import { domainReplay } from '../../src/domain/replay.js';
import { DOMAINS } from '../../src/plugins.js';
import { logVkey } from '../../src/tlog/service.js';
import { newKey } from '../helpers/fixture.js';

const SERVER = resolve(process.cwd(), 'dist/src/server.js');
const DEFAULT_ORIGIN = 'anxin.local/ledger';
/** Child processes are slow on a loaded machine: a generous per-test timeout (nothing here asserts a duration). */
const SLOW = 60_000;

interface Running {
  child: ChildProcess;
  url: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Starts the compiled server with `env` (PORT=0 picks a free port, read back from its "listening on" line). */
const start = (env: Record<string, string>): Promise<Running> =>
  new Promise((ready, fail) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ANXIN_') && k !== 'PORT'));
    const child = spawn(process.execPath, [SERVER], { env: { ...clean, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const onData = (c: Buffer) => {
      out += c.toString('utf8');
      const m = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (m) ready({ child, url: `http://127.0.0.1:${m[1]}`, output: () => out, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('error', fail);
    void exited.then((code) => fail(new Error(`the server exited (${code}) before listening:\n${out}`)));
  });

const stop = async (s: Running, signal: NodeJS.Signals): Promise<number | null> => {
  s.child.kill(signal);
  return s.exited;
};

const getJson = async (url: string, key?: SigningKey) => {
  const target = new URL(url).pathname + new URL(url).search;
  const headers = key ? signRequest(nodeSuite, key, { method: 'GET', target }) : {};
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.json() };
};

const mode = (file: string) => statSync(file).mode & 0o777;
const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'anxin-server-'));
  dirs.push(d);
  return join(d, 'data');
};

beforeAll(() => {
  expect(existsSync(SERVER)).toBe(true); // run `npm run build` first
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('a first start on a new data directory, a restart, and graceful shutdowns', () => {
  const data = freshDir();
  let first: Running;
  let operator: SigningKey;
  let regulator: SigningKey;
  let anchor: { origin: string; operatorKey: string };
  let keyFiles: { operator: string; regulator: string };

  beforeAll(async () => {
    first = await start({ ANXIN_DATA: data });
    operator = readKeyFile(join(data, 'operator.key'));
    regulator = readKeyFile(join(data, 'regulator.key'));
    keyFiles = { operator: readFileSync(join(data, 'operator.key'), 'utf8'), regulator: readFileSync(join(data, 'regulator.key'), 'utf8') };
  }, SLOW);
  afterAll(() => {
    first.child.kill('SIGKILL');
  });

  test(
    'it writes operator.key and regulator.key with mode 0600 and says where the regulator key is',
    () => {
      expect(mode(join(data, 'operator.key'))).toBe(0o600);
      expect(mode(join(data, 'regulator.key'))).toBe(0o600);
      expect(JSON.parse(keyFiles.operator)).toEqual({ id: 'operator', publicKey: operator.publicKey, secretKey: expect.any(String) });
      expect(regulator.id).toBe('regulator');
      expect(first.output()).toContain(`generated a development regulator key ${join(data, 'regulator.key')}`);
      expect(first.output()).toContain('generated the operator key');
    },
    SLOW,
  );

  test(
    'it writes the genesis entry: one entry under a checkpoint signed by the operator key',
    async () => {
      const ledger = await getJson(`${first.url}/v1/ledger`);
      anchor = ledger.body;
      expect(anchor).toEqual({
        origin: DEFAULT_ORIGIN,
        operatorKey: operator.publicKey,
        vkey: logVkey(DEFAULT_ORIGIN, operator.publicKey),
      });
      const cp = await getJson(`${first.url}/v1/checkpoint`);
      expect(cp.body.size).toBe(1);
      expect(verifyCheckpoint(nodeSuite, cp.body, DEFAULT_ORIGIN, fromBase64Url(operator.publicKey)!)).toBeUndefined();
    },
    SLOW,
  );

  test(
    "the genesis entry is the operator's ledger.genesis naming the root regulator with the generated key",
    async () => {
      const { status, body } = await getJson(`${first.url}/v1/entries/0`, regulator);
      expect(status).toBe(200);
      expect(body.entry.event).toMatchObject({
        type: 'ledger.genesis',
        actor: 'operator',
        body: {
          origin: DEFAULT_ORIGIN,
          operatorKey: operator.publicKey,
          regulators: [{ id: 'regulator', name: expect.any(String), publicKey: regulator.publicKey }],
        },
      });
      expect((await getJson(`${first.url}/v1/actors/regulator`)).body).toMatchObject({
        role: 'regulator',
        status: 'active',
        publicKey: regulator.publicKey,
      });
    },
    SLOW,
  );

  test(
    'the regulator key registers an actor, and the receipt verifies',
    async () => {
      const client = new AnxinClient({ baseUrl: first.url, suite: nodeSuite, key: regulator, anchor });
      const event = client.sign(
        client.build('actor.register', { id: 'aud-1', role: 'auditor', name: 'auditor', publicKey: newKey('aud-1').publicKey }),
      );
      const receipt = await client.post(event);
      expect(receipt.index).toBe(1);
      expect(await client.verifyReceipt(event, receipt)).toBeUndefined();
    },
    SLOW,
  );

  test(
    'when it gets SIGTERM, then it shuts down and exits 0',
    async () => {
      expect(await stop(first, 'SIGTERM')).toBe(0);
      expect(first.output()).toContain('SIGTERM, shutting down');
    },
    SLOW,
  );

  describe('a second start on the same directory', () => {
    let second: Running;

    beforeAll(async () => {
      second = await start({ ANXIN_DATA: data });
    }, SLOW);
    afterAll(() => {
      second.child.kill('SIGKILL');
    });

    test(
      'it reuses the ledger and the keys: same origin, operator key and size, key files untouched, nothing generated',
      async () => {
        expect((await getJson(`${second.url}/v1/ledger`)).body).toEqual(anchor);
        expect((await getJson(`${second.url}/v1/checkpoint`)).body.size).toBe(2);
        expect(readFileSync(join(data, 'operator.key'), 'utf8')).toBe(keyFiles.operator);
        expect(readFileSync(join(data, 'regulator.key'), 'utf8')).toBe(keyFiles.regulator);
        expect(second.output()).not.toContain('generated');
        expect((await getJson(`${second.url}/v1/actors/aud-1`)).status).toBe(200);
      },
      SLOW,
    );

    test(
      'when it gets SIGINT, then it shuts down and exits 0',
      async () => {
        expect(await stop(second, 'SIGINT')).toBe(0);
      },
      SLOW,
    );

    test(
      'after the shutdowns, the data directory verifies from genesis, domain rules included',
      async () => {
        const report = await verifyDataDir(data, {
          origin: DEFAULT_ORIGIN,
          operatorKey: operator.publicKey,
          hook: domainReplay(new Catalogue(DOMAINS), { maxSkewS: 600 }),
          threads: 1,
        });
        expect(report.errors).toEqual([]);
        expect(report).toMatchObject({ ok: true, size: 2 });
      },
      SLOW,
    );
  });
});

describe('a stop right after the start', () => {
  /** Starts the server and sends `signal` the moment it announces it is listening; resolves with how it ended. */
  const startAndStop = (signal: NodeJS.Signals) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
      const child = spawn(process.execPath, [SERVER], {
        env: { ...process.env, PORT: '0', ANXIN_DATA: freshDir() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString('utf8');
        if (/listening on/.test(out) && !child.killed) child.kill(signal);
      });
      child.on('exit', (code, sig) => done({ code, signal: sig }));
    });

  test(
    'when SIGTERM arrives as soon as it says it is listening, then it still shuts down gracefully, every time',
    async () => {
      const runs = [];
      for (let i = 0; i < 6; i++) runs.push(await startAndStop('SIGTERM'));
      expect(runs).toEqual(Array(6).fill({ code: 0, signal: null }));
    },
    SLOW,
  );
});

describe('configuration', () => {
  test(
    'when ANXIN_REGULATOR_PUBKEY, ANXIN_REGULATOR_ID and ANXIN_ORIGIN are set, then the genesis uses them and no regulator.key is written',
    async () => {
      const data = freshDir();
      const root = newKey('samr-root');
      const s = await start({
        ANXIN_DATA: data,
        ANXIN_REGULATOR_PUBKEY: root.publicKey,
        ANXIN_REGULATOR_ID: 'samr-root',
        ANXIN_ORIGIN: 'samr.example/ledger',
      });
      try {
        expect((await getJson(`${s.url}/v1/ledger`)).body.origin).toBe('samr.example/ledger');
        expect((await getJson(`${s.url}/v1/actors/samr-root`)).body).toMatchObject({ role: 'regulator', publicKey: root.publicKey });
        expect(existsSync(join(data, 'regulator.key'))).toBe(false);
        expect(mode(join(data, 'operator.key'))).toBe(0o600);
      } finally {
        expect(await stop(s, 'SIGTERM')).toBe(0);
      }
    },
    SLOW,
  );

  test(
    'when a variable is invalid, then it exits 1 naming it',
    async () => {
      const err = await start({ ANXIN_DATA: freshDir(), ANXIN_MAX_SKEW_S: 'soon' }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/exited \(1\)[\s\S]*ANXIN_MAX_SKEW_S/);
    },
    SLOW,
  );

  test(
    'when the ledger exists but its operator key file is gone, then it refuses to start',
    async () => {
      const data = freshDir();
      const s = await start({ ANXIN_DATA: data });
      expect(await stop(s, 'SIGTERM')).toBe(0);
      rmSync(join(data, 'operator.key'));
      const err = await start({ ANXIN_DATA: data }).catch((e: Error) => e);
      expect((err as Error).message).toMatch(/exited \(1\)[\s\S]*operator key/);
      expect(existsSync(join(data, 'operator.key'))).toBe(false);
    },
    SLOW,
  );
});
