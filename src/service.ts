/**
 * Opening the service's ledger from its configuration (SPEC §4). On a new data
 * directory the first start generates the operator key (and, unless a root
 * regulator key is configured, a development regulator key pair), and writes the
 * genesis entry; later starts reuse them.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateKey, Ledger, LedgerError, readKeyFile, writeKeyFile, type SigningKey } from '../ledger/index.js';
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
  const fresh = isNewDataDir(config.dataDir);
  let operator: SigningKey;
  if (existsSync(config.operatorKeyPath)) operator = readKeyFile(config.operatorKeyPath);
  else if (fresh) {
    writeKeyFile(config.operatorKeyPath, generateKey('operator'));
    operator = readKeyFile(config.operatorKeyPath);
    log(`anxin: generated the operator key ${config.operatorKeyPath}`);
  } else {
    throw new LedgerError(
      'KEY_FILE_INVALID',
      `the ledger in ${config.dataDir} exists but its operator key ${config.operatorKeyPath} does not`,
    );
  }
  if (!fresh) return { ledger: await Ledger.open({ path: config.dataDir, origin: config.origin, operator, now: options.now }) };

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
    origin: config.origin,
    operator,
    now: options.now,
    genesis: {
      regulators: [{ id: config.regulatorId, name: ROOT_REGULATOR_NAME, publicKey: regulatorKey }],
      state: (entry) => catalogue.genesisState(entry),
    },
  });
  log(`anxin: created ledger ${config.origin} in ${config.dataDir}`);
  return { ledger, created: { regulatorKeyPath } };
};
