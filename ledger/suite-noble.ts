import * as ed from '@noble/ed25519';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import type { Suite } from './suite.js';

ed.hashes.sha512 = sha512;

/**
 * @noble/ed25519 + @noble/hashes: for code that must also run in a browser.
 * Verification uses RFC 8032 semantics (zip215: false), matching OpenSSL.
 */
export const nobleSuite: Suite = {
  sha256: (data) => sha256(data),
  publicKey: (seed) => ed.getPublicKey(seed),
  sign: (seed, message) => ed.sign(message, seed),
  verify(publicKey, message, signature) {
    try {
      return ed.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
};
