/**
 * Opening the service's ledger from its configuration (SPEC §4): in the LevelDB
 * directory ANXIN_DATA, or in the PostgreSQL database ANXIN_DATABASE_URL (the key
 * files then still live in ANXIN_DATA). On a new store the first start generates
 * the operator key (and, unless a root regulator key is configured, a development
 * regulator key pair), and writes the genesis entry; later starts reuse them.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
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

const isNewDataDir = (dir: string): boolean => !existsSync(join(dir, 'CURRENT'));

export const openLedger = async (
  config: Config,
  options: { now?: () => number; log?: (line: string) => void } = {},
): Promise<OpenedLedger> => {
  const log = options.log ?? ((line: string) => console.log(line));
  mkdirSync(config.dataDir, { recursive: true });
  // On PostgreSQL, the store opens first: a process that is not the sequencer waits there for another's genesis.
  const store: LogStore | undefined = config.database ? await openStore({ database: config.database, create: true }) : undefined;
  try {
    return await openOn(config, store, log, options.now);
  } catch (e) {
    await store?.close();
    throw e;
  }
};

const openOn = async (
  config: Config,
  store: LogStore | undefined,
  log: (line: string) => void,
  now?: () => number,
): Promise<OpenedLedger> => {
  const where = store ? store.location : config.dataDir;
  const fresh = store ? store.head() === undefined : isNewDataDir(config.dataDir);
  let operator: SigningKey;
  if (existsSync(config.operatorKeyPath)) operator = readKeyFile(config.operatorKeyPath);
  else if (fresh) {
    writeKeyFile(config.operatorKeyPath, generateKey('operator'));
    operator = readKeyFile(config.operatorKeyPath);
    log(`anxin: generated the operator key ${config.operatorKeyPath}`);
  } else {
    throw new LedgerError('KEY_FILE_INVALID', `the ledger in ${where} exists but its operator key ${config.operatorKeyPath} does not`);
  }
  if (!fresh) return { ledger: await Ledger.open({ path: config.dataDir, store, origin: config.origin, operator, now }) };

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
    now,
    genesis: {
      regulators: [{ id: config.regulatorId, name: ROOT_REGULATOR_NAME, publicKey: regulatorKey }],
      state: (entry) => catalogue.genesisState(entry),
    },
  });
  log(`anxin: created ledger ${config.origin} in ${where}`);
  return { ledger, created: { regulatorKeyPath } };
};
