/** Key files on disk, mode 0600 (SPEC §4). Node-only. */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { LedgerError } from './errors.js';
import { keyFromSeed, parseKeyFile, type KeyFile, type SigningKey } from './keys.js';
import { nodeSuite, randomSeed } from './suite-node.js';

export const generateKey = (id: string): KeyFile => keyFromSeed(nodeSuite, id, randomSeed());

export const readKeyFile = (path: string): SigningKey => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new LedgerError('KEY_FILE_INVALID', `cannot read key file ${path}`, { cause });
  }
  return parseKeyFile(nodeSuite, text);
};

/** Writes a new key file; never overwrites an existing one. */
export const writeKeyFile = (path: string, key: KeyFile): void => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(key, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
};
