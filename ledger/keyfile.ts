/** Key files on disk, mode 0600 (SPEC §4). Node-only. */
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { LedgerError } from './errors.js';
import { keyFromSeed, parseKeyFile, type KeyFile, type SigningKey } from './keys.js';
import { nodeSuite, randomSeed } from './suite-node.js';

export const generateKey = (id: string): KeyFile => keyFromSeed(nodeSuite, id, randomSeed());

/**
 * Reads a secret key file. A file that the group or others may read is refused
 * (like ssh refuses a private key with mode 0644): its secret may already be
 * someone else's. `chmod 600 FILE` fixes it.
 */
export const readKeyFile = (path: string): SigningKey => {
  let text: string;
  try {
    const mode = statSync(path).mode;
    if (process.platform !== 'win32' && mode & 0o077)
      throw new LedgerError(
        'KEY_FILE_INVALID',
        `key file ${path} has mode ${(mode & 0o777).toString(8).padStart(4, '0')}: group or others may read its secret key; run chmod 600 ${path}`,
      );
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    if (cause instanceof LedgerError) throw cause;
    throw new LedgerError('KEY_FILE_INVALID', `cannot read key file ${path}`, { cause });
  }
  return parseKeyFile(nodeSuite, text);
};

/** Writes a new key file; never overwrites an existing one. */
export const writeKeyFile = (path: string, key: KeyFile): void => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(key, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
};
