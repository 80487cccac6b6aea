/**
 * Opening the service's ledger from its configuration (SPEC §4): in the LevelDB
 * directory ANXIN_DATA, or in the PostgreSQL database ANXIN_DATABASE_URL (the key
 * files then still live in ANXIN_DATA). The rules that keep one operator key to
 * one ledger (docs/OPERATIONS.md):
 *
 * - A store holding a ledger is opened, never recreated; a non-empty data
 *   directory that is not a ledger is refused.
 * - A new ledger is created only on an empty store, and only
 *   - by `anxin init` (mode `init`), with the configured operator key or a new one, or
 *   - by a plain start (mode `start`) when it also generates a fresh operator key —
 *     the two-command quick start.
 *   An existing operator key with an empty store is refused on start: the key may
 *   have signed a ledger whose volume is simply missing, and a second genesis under
 *   that key would be a fork (SPEC §3). The message names `anxin init`.
 * - With NODE_ENV=production, a ledger is never created without ANXIN_REGULATOR_PUBKEY
 *   (no root-regulator secret is ever written by the service in production).
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateKey, Ledger, LedgerError, openStore, readKeyFile, writeKeyFile, type LogStore, type SigningKey } from '../ledger/index.js';
import type { Config } from './config.js';
import { Catalogue } from './domain/catalogue.js';
import { domainsOf, PLUGINS } from './plugins.js';

export const ROOT_REGULATOR_NAME = process.env.ANXIN_REGULATOR_NAME ?? '市场监督管理局';

export interface OpenedLedger {
  ledger: Ledger;
  /** Set when this start created the ledger. */
  created?: { regulatorKeyPath?: string };
}

/** Files the service itself may have put in an otherwise empty data directory before its genesis. */
const SERVICE_FILES = new Set(['operator.key', 'regulator.key', 'access-log']);

/** What a data directory holds: a ledger, nothing (yet), or something else. */
export const classifyDataDir = (dir: string): 'ledger' | 'empty' | 'foreign' => {
  if (!existsSync(dir)) return 'empty';
  const names = readdirSync(dir);
  if (names.includes('CURRENT')) return 'ledger';
  return names.every((n) => SERVICE_FILES.has(n)) ? 'empty' : 'foreign';
};

export interface OpenOptions {
  now?: () => number;
  log?: (line: string) => void;
  /** `start` (default): open, or create only with a fresh operator key. `init`: create on an empty directory only. */
  mode?: 'start' | 'init';
  /** The process environment's NODE_ENV (injectable for tests). */
  nodeEnv?: string;
}

const refuse = (message: string) => new LedgerError('LEDGER_NOT_FOUND', message);

export const openLedger = async (config: Config, options: OpenOptions = {}): Promise<OpenedLedger> => {
  const log = options.log ?? ((line: string) => console.log(line));
  const mode = options.mode ?? 'start';
  const keyExists = existsSync(config.operatorKeyPath);
  // On PostgreSQL, the store opens first: a process that is not the sequencer waits there for another's genesis.
  let store: LogStore | undefined;
  let fresh: boolean;
  if (config.database) {
    store = await openStore({ database: config.database, create: true });
    fresh = store.head() === undefined;
  } else {
    const kind = classifyDataDir(config.dataDir);
    if (kind === 'foreign')
      throw refuse(
        `${resolve(config.dataDir)} is not empty and holds no ledger (no LevelDB CURRENT file); anxin never creates a ledger over other files. ` +
          'If it is a ledger that lost its CURRENT file, restore it from a backup; otherwise point ANXIN_DATA at an empty directory.',
      );
    fresh = kind === 'empty';
  }
  const where = store ? store.location : resolve(config.dataDir);
  try {
    if (!fresh) {
      if (mode === 'init') throw refuse(`${where} already holds a ledger; anxin init only creates new ones`);
      if (!keyExists)
        throw new LedgerError('KEY_FILE_INVALID', `the ledger in ${where} exists but its operator key ${config.operatorKeyPath} does not`);
      const operator = readKeyFile(config.operatorKeyPath);
      return { ledger: await Ledger.open({ path: config.dataDir, store, origin: config.origin, operator, now: options.now }) };
    }
    // An empty store: create a ledger, if this is one of the two ways to do it.
    if (mode === 'start' && keyExists)
      throw refuse(
        `the operator key ${config.operatorKeyPath} exists but ${where} holds no ledger. ` +
          'Starting would sign a second genesis with that key — a fork of its ledger. ' +
          'If the data volume is missing, mount it; to create a new ledger with this key on purpose, run `anxin init`.',
      );
    if ((options.nodeEnv ?? process.env.NODE_ENV) === 'production' && !config.regulatorPublicKey)
      throw refuse('NODE_ENV=production: set ANXIN_REGULATOR_PUBKEY (the root regulator public key) to create a ledger');
    mkdirSync(config.dataDir, { recursive: true });
    let operator: SigningKey;
    if (keyExists) operator = readKeyFile(config.operatorKeyPath);
    else {
      writeKeyFile(config.operatorKeyPath, generateKey('operator'));
      operator = readKeyFile(config.operatorKeyPath);
      log(`anxin: generated the operator key ${config.operatorKeyPath}`);
    }
    let regulatorKey = config.regulatorPublicKey;
    let regulatorKeyPath: string | undefined;
    if (!regulatorKey) {
      regulatorKeyPath = join(config.dataDir, 'regulator.key');
      if (!existsSync(regulatorKeyPath)) writeKeyFile(regulatorKeyPath, generateKey(config.regulatorId));
      regulatorKey = readKeyFile(regulatorKeyPath).publicKey;
      log(`anxin: no ANXIN_REGULATOR_PUBKEY; generated a development regulator key ${regulatorKeyPath}`);
    }
    const catalogue = new Catalogue(domainsOf(PLUGINS));
    const ledger = await Ledger.open({
      path: config.dataDir,
      store,
      origin: config.origin,
      operator,
      now: options.now,
      genesis: {
        regulators: [{ id: config.regulatorId, name: ROOT_REGULATOR_NAME, publicKey: regulatorKey }],
        state: (entry) => catalogue.genesisState(entry),
      },
    });
    log(`anxin: created ledger ${config.origin} in ${where}`);
    return { ledger, created: { regulatorKeyPath } };
  } catch (e) {
    await store?.close();
    throw e;
  }
};
