/**
 * Key files (SPEC §4): JSON { id, publicKey, secretKey }, both base64url, the
 * secret key being the 32-byte Ed25519 seed. Portable; file I/O is in keyfile.ts.
 */
import { bytesEqual, fromBase64Url, toBase64Url } from './encoding.js';
import { LedgerError } from './errors.js';
import type { Suite } from './suite.js';

export interface KeyFile {
  id: string;
  publicKey: string;
  secretKey: string;
}

/** A key ready to sign with. */
export interface SigningKey {
  id: string;
  publicKey: string;
  seed: Uint8Array;
}

export const keyFromSeed = (suite: Suite, id: string, seed: Uint8Array): KeyFile => ({
  id,
  publicKey: toBase64Url(suite.publicKey(seed)),
  secretKey: toBase64Url(seed),
});

/** Parses and checks a key file: the public key must be the seed's. Throws KEY_FILE_INVALID. */
export const parseKeyFile = (suite: Suite, text: string): SigningKey => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new LedgerError('KEY_FILE_INVALID', 'the key file is not JSON', { cause });
  }
  const k = json as Partial<KeyFile>;
  if (!k || typeof k.id !== 'string' || typeof k.publicKey !== 'string' || typeof k.secretKey !== 'string')
    throw new LedgerError('KEY_FILE_INVALID', 'a key file is { "id", "publicKey", "secretKey" }');
  const seed = fromBase64Url(k.secretKey);
  const pub = fromBase64Url(k.publicKey);
  if (!seed || seed.length !== 32) throw new LedgerError('KEY_FILE_INVALID', 'secretKey must be a 32-byte seed in base64url');
  if (!pub || !bytesEqual(pub, suite.publicKey(seed)))
    throw new LedgerError('KEY_FILE_INVALID', `publicKey of key file "${k.id}" does not belong to its secretKey`);
  return { id: k.id, publicKey: k.publicKey, seed };
};
