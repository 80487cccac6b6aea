import * as crypto from 'node:crypto';
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import type { Suite } from './suite.js';

// DER prefixes that wrap a raw Ed25519 key (RFC 8410).
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** KeyObjects are costly to build; a small cache keeps the verify hot path at OpenSSL speed. */
const publicKeys = new Map<string, KeyObject>();
const PUBLIC_KEY_CACHE = 4096;

const publicKeyObject = (raw: Uint8Array): KeyObject | undefined => {
  if (raw.length !== 32) return undefined;
  const id = Buffer.from(raw).toString('base64');
  let key = publicKeys.get(id);
  if (key) return key;
  try {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
  if (publicKeys.size >= PUBLIC_KEY_CACHE) publicKeys.delete(publicKeys.keys().next().value!);
  publicKeys.set(id, key);
  return key;
};

/** Private KeyObjects by seed identity: signing keys are long-lived objects, and building a KeyObject costs ~10 signatures. */
const privateKeys = new WeakMap<Uint8Array, KeyObject>();

const privateKeyObject = (seed: Uint8Array): KeyObject => {
  if (seed.length !== 32) throw new TypeError('an Ed25519 seed is 32 bytes');
  let key = privateKeys.get(seed);
  if (!key) {
    key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    privateKeys.set(seed, key);
  }
  return key;
};

/** SHA-256; the one-shot crypto.hash (Node ≥ 20.12) costs about half of a Hash object for small inputs. */
const oneShot = (crypto as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer }).hash;
export const sha256 = oneShot
  ? (data: Uint8Array): Uint8Array => oneShot('sha256', data, 'buffer')
  : (data: Uint8Array): Uint8Array => createHash('sha256').update(data).digest();

/** node:crypto (OpenSSL): the server's hot path. */
const derivedPublicKeys = new WeakMap<Uint8Array, Uint8Array>();

export const nodeSuite: Suite = {
  sha256,
  publicKey(seed) {
    let pub = derivedPublicKeys.get(seed);
    if (!pub) {
      const der = createPublicKey(privateKeyObject(seed)).export({ format: 'der', type: 'spki' });
      pub = new Uint8Array(der.subarray(SPKI_PREFIX.length));
      derivedPublicKeys.set(seed, pub);
    }
    return pub.slice();
  },
  sign(seed, message) {
    return new Uint8Array(sign(null, message, privateKeyObject(seed)));
  },
  verify(publicKey, message, signature) {
    if (signature.length !== 64) return false;
    const key = publicKeyObject(publicKey);
    if (!key) return false;
    try {
      return verify(null, message, key, signature);
    } catch {
      return false;
    }
  },
};

export const randomSeed = (): Uint8Array => new Uint8Array(randomBytes(32));
