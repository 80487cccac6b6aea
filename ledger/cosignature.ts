/**
 * Ed25519 checkpoint cosignatures, `cosignature/v1` (c2sp.org/tlog-cosignature):
 * a note signature of type 0x04 whose 64-byte Ed25519 signature is preceded by
 * a big-endian u64 POSIX timestamp, over
 *
 *   cosignature/v1\n
 *   time <timestamp>\n
 *   <the checkpoint's note text>
 *
 * Portable: pass the Suite.
 */
import { concatBytes, utf8 } from './encoding.js';
import { computeKeyId, COSIGNATURE_TYPE, formatSignatureLine, signedBy, type NoteSignatureLine, type Vkey } from './note.js';
import type { Suite } from './suite.js';

export interface Cosignature {
  /** POSIX seconds. */
  time: number;
  signature: Uint8Array;
}

/** The message a cosigner signs for the checkpoint text `text` at `time`. */
export const cosignedMessage = (text: string, time: number): string => `cosignature/v1\ntime ${time}\n${text}`;

const u64 = (n: number): Uint8Array => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
};

/** Signs the checkpoint text `text` at `time` (POSIX seconds): the note signature line (no newline). */
export const signCosignature = (suite: Suite, name: string, seed: Uint8Array, text: string, time: number): string => {
  if (!(Number.isSafeInteger(time) && time > 0)) throw new TypeError('a cosignature time is a positive POSIX timestamp');
  const keyId = computeKeyId(suite, name, COSIGNATURE_TYPE, suite.publicKey(seed));
  const signature = suite.sign(seed, utf8(cosignedMessage(text, time)));
  return formatSignatureLine(name, keyId, concatBytes(u64(time), signature));
};

/**
 * Verifies a signature line as `key`'s cosignature/v1 of the checkpoint text `text`;
 * returns the timestamp and signature, or undefined (wrong key, type, length,
 * a timestamp of zero or beyond 2^63 − 1, or a signature that fails).
 */
export const verifyCosignature = (suite: Suite, text: string, sig: NoteSignatureLine, key: Vkey): Cosignature | undefined => {
  if (key.type !== COSIGNATURE_TYPE || !signedBy(sig, key) || sig.signature.length !== 72) return undefined;
  const big = new DataView(sig.signature.buffer, sig.signature.byteOffset, 8).getBigUint64(0);
  if (big === 0n || big > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  const time = Number(big);
  const signature = sig.signature.subarray(8);
  return suite.verify(key.publicKey, utf8(cosignedMessage(text, time)), signature) ? { time, signature } : undefined;
};
