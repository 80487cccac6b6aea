/**
 * Byte encodings used on the wire (SPEC §1): lowercase hex for hashes,
 * unpadded base64url for keys and signatures, standard base64 inside signed notes.
 * Portable: no Node.js APIs, so the same code runs in browsers.
 */

const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const decodeTable = (alphabet: string): Int16Array => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
};
const B64_DEC = decodeTable(B64);
const B64URL_DEC = decodeTable(B64URL);

/** Node's Buffer when present: native hex is several times faster on the verify path; browsers use the loops. */
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

export const toHex = (bytes: Uint8Array): string => {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
  return s;
};

const LOWER_HEX = /^[0-9a-f]*$/;

/** Decodes lowercase hex; returns undefined for anything else (odd length, uppercase, other chars). */
export const fromHex = (hex: string): Uint8Array | undefined => {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !LOWER_HEX.test(hex)) return undefined;
  if (NodeBuffer) return new Uint8Array(NodeBuffer.from(hex, 'hex'));
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
};

const encode64 = (bytes: Uint8Array, alphabet: string, pad: boolean): string => {
  let s = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    s += alphabet[n >> 18] + alphabet[(n >> 12) & 63] + alphabet[(n >> 6) & 63] + alphabet[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    s += alphabet[n >> 18] + alphabet[(n >> 12) & 63] + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    s += alphabet[n >> 18] + alphabet[(n >> 12) & 63] + alphabet[(n >> 6) & 63] + (pad ? '=' : '');
  }
  return s;
};

/**
 * Strict decoder: rejects characters outside the alphabet, impossible lengths,
 * and non-zero trailing bits (so every byte string has exactly one encoding).
 */
const decode64 = (text: string, table: Int16Array, padded: boolean): Uint8Array | undefined => {
  let s = text;
  if (padded) {
    if (s.length % 4 !== 0) return undefined;
    if (s.endsWith('==')) s = s.slice(0, -2);
    else if (s.endsWith('=')) s = s.slice(0, -1);
  }
  if (s.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? table[c] : -1;
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
};

export const toBase64Url = (bytes: Uint8Array): string => encode64(bytes, B64URL, false);
export const fromBase64Url = (text: string): Uint8Array | undefined => decode64(text, B64URL_DEC, false);
export const toBase64 = (bytes: Uint8Array): string => encode64(bytes, B64, true);
export const fromBase64 = (text: string): Uint8Array | undefined => decode64(text, B64_DEC, true);

const encoder = new TextEncoder();
export const utf8 = (text: string): Uint8Array => encoder.encode(text);

export const concatBytes = (...parts: Uint8Array[]): Uint8Array => {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

export const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
};
