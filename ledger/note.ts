/**
 * C2SP signed notes (c2sp.org/signed-note) and their verifier keys.
 *
 *   <text ending in \n>\n— <key name> base64(keyID ‖ signature)\n…
 *   vkey = <key name>+<hex keyID>+base64(type ‖ public key)
 *
 * A verifier is identified by (name, key ID); its type decides what it signs:
 * 0x01 = Ed25519 over the note text (the log), 0x04 = a timestamped cosignature
 * (c2sp.org/tlog-cosignature, see cosignature.ts). Portable: pass the Suite.
 */
import { bytesEqual, concatBytes, fromBase64, toBase64, toHex, utf8 } from './encoding.js';
import type { Suite } from './suite.js';

export const ED25519_TYPE = 0x01;
export const COSIGNATURE_TYPE = 0x04;

/** At least 16 must be accepted (signed-note); more is refused, so a note's cost is bounded. */
export const MAX_NOTE_SIGNATURES = 64;

export interface NoteSignatureLine {
  name: string;
  /** The 4-byte key ID, as a 32-bit unsigned integer. */
  keyId: number;
  signature: Uint8Array;
  /** The line as it appeared, without its final newline. */
  line: string;
}

export interface Note {
  /** The signed text, ending in "\n". */
  text: string;
  signatures: NoteSignatureLine[];
}

/** A verifier key (vkey). */
export interface Vkey {
  name: string;
  keyId: number;
  type: number;
  publicKey: Uint8Array;
  /** The vkey string. */
  vkey: string;
}

const KEY_NAME = /^[^\s+]+$/u;
// Control characters are exactly what this pattern is for (signed-note text must not contain them).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;

const keyIdBytes = (id: number): Uint8Array => new Uint8Array([id >>> 24, (id >>> 16) & 255, (id >>> 8) & 255, id & 255]);
const keyIdOf = (b: Uint8Array): number => ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
export const keyIdHex = (id: number): string => id.toString(16).padStart(8, '0');

/** key ID = SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4], big-endian (signed-note, "Signatures"). */
export const computeKeyId = (suite: Suite, name: string, type: number, publicKey: Uint8Array): number =>
  keyIdOf(suite.sha256(concatBytes(utf8(name), new Uint8Array([0x0a, type]), publicKey)));

export const isKeyName = (name: string): boolean => typeof name === 'string' && name.length > 0 && KEY_NAME.test(name);

/** The vkey of an Ed25519 key of `type` (0x01 log, 0x04 cosigner). Throws TypeError on a bad name. */
export const formatVkey = (suite: Suite, name: string, type: number, publicKey: Uint8Array): Vkey => {
  if (!isKeyName(name)) throw new TypeError(`"${name}" is not a signed-note key name (non-empty, no spaces or "+")`);
  const keyId = computeKeyId(suite, name, type, publicKey);
  const vkey = `${name}+${keyIdHex(keyId)}+${toBase64(concatBytes(new Uint8Array([type]), publicKey))}`;
  return { name, keyId, type, publicKey: publicKey.slice(), vkey };
};

/**
 * Parses a vkey; undefined unless it is well formed, an Ed25519 key (type 0x01
 * or 0x04, 32 bytes), and its key ID is the one its name and key imply.
 */
export const parseVkey = (suite: Suite, text: string): Vkey | undefined => {
  if (typeof text !== 'string') return undefined;
  // The base64 part may itself hold "+": split at the first two only.
  const a = text.indexOf('+');
  const b = text.indexOf('+', a + 1);
  if (a < 0 || b < 0) return undefined;
  const [name, idHex, b64] = [text.slice(0, a), text.slice(a + 1, b), text.slice(b + 1)];
  if (!isKeyName(name) || !/^[0-9a-f]{8}$/.test(idHex)) return undefined;
  const raw = fromBase64(b64);
  if (!raw || raw.length !== 33 || (raw[0] !== ED25519_TYPE && raw[0] !== COSIGNATURE_TYPE)) return undefined;
  const keyId = parseInt(idHex, 16);
  const publicKey = raw.subarray(1);
  if (computeKeyId(suite, name, raw[0], publicKey) !== keyId) return undefined;
  return { name, keyId, type: raw[0], publicKey: publicKey.slice(), vkey: text };
};

/**
 * Splits a signed note into its text and signature lines; undefined when it is
 * not well formed (control characters, no blank line, a malformed or too many
 * signature lines). The text ends before the last blank line of the note.
 */
export const parseNote = (note: string): Note | undefined => {
  if (typeof note !== 'string' || !note.endsWith('\n') || CONTROL.test(note)) return undefined;
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return undefined;
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) return undefined;
  const signatures: NoteSignatureLine[] = [];
  for (const line of lines) {
    const sig = parseSignatureLine(line);
    if (!sig) return undefined;
    signatures.push(sig);
  }
  return signatures.length ? { text, signatures } : undefined;
};

/** One "— name base64" line (without its newline). */
export const parseSignatureLine = (line: string): NoteSignatureLine | undefined => {
  const m = /^\u2014 (\S+) (\S+)$/u.exec(line);
  if (!m || !isKeyName(m[1])) return undefined;
  const raw = fromBase64(m[2]);
  if (!raw || raw.length < 5) return undefined;
  return { name: m[1], keyId: keyIdOf(raw), signature: raw.slice(4), line };
};

/** "— name base64(keyID ‖ signature)" without the final newline. */
export const formatSignatureLine = (name: string, keyId: number, signature: Uint8Array): string =>
  `\u2014 ${name} ${toBase64(concatBytes(keyIdBytes(keyId), signature))}`;

export const formatNote = (text: string, lines: readonly string[]): string => `${text}\n${lines.map((l) => l + '\n').join('')}`;

/** Signs `text` with an Ed25519 (type 0x01) key named `name`: the signature line. */
export const signNoteLine = (suite: Suite, name: string, seed: Uint8Array, text: string): string => {
  const keyId = computeKeyId(suite, name, ED25519_TYPE, suite.publicKey(seed));
  return formatSignatureLine(name, keyId, suite.sign(seed, utf8(text)));
};

/** Does `sig` claim to be by `key` (same name and key ID)? */
export const signedBy = (sig: NoteSignatureLine, key: Vkey): boolean => sig.name === key.name && sig.keyId === key.keyId;

/**
 * Verifies an Ed25519 (type 0x01) note signature line by `key`. Other types have
 * their own verifier (cosignature.ts).
 */
export const verifyNoteSignature = (suite: Suite, text: string, sig: NoteSignatureLine, key: Vkey): boolean =>
  key.type === ED25519_TYPE && signedBy(sig, key) && suite.verify(key.publicKey, utf8(text), sig.signature);

/** Hex of a vkey's raw public key: two vkeys are duplicates (tlog-policy) when these match. */
export const publicKeyHex = (key: Vkey): string => toHex(key.publicKey);

export const sameKey = (a: Vkey, b: Vkey): boolean => a.type === b.type && bytesEqual(a.publicKey, b.publicKey);
