/**
 * Checkpoints (SPEC §3): a C2SP tlog-checkpoint inside a C2SP signed-note,
 * signed by the operator key with an Ed25519 (type 0x01) signature whose key
 * name is the origin. Portable: pass the Suite.
 */
import { bytesEqual, concatBytes, fromBase64, fromHex, toBase64, toHex, utf8 } from './encoding.js';
import type { Suite } from './suite.js';
import type { SubjectCommitment } from './subjects.js';

/** The JSON form served by the API; `head` is the chain head at `size` (not covered by the note). */
export interface Checkpoint {
  origin: string;
  size: number;
  root: string;
  head: string;
  note: string;
  /** The subject map at `size` (SPEC §12): its root and the operator's subject note. Not covered by `note`. */
  subjects?: SubjectCommitment;
}

export interface NoteSignature {
  name: string;
  keyId: Uint8Array;
  signature: Uint8Array;
}

export interface ParsedCheckpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions: string[];
  /** The signed text: every line before the blank line, each ending in "\n". */
  text: string;
  signatures: NoteSignature[];
}

const SIG_LINE = '\u2014 ';
const ED25519_TYPE = 0x01;

/** C2SP signed-note key ID: SHA-256(name || 0x0A || 0x01 || publicKey)[:4]. */
export const noteKeyId = (suite: Suite, name: string, publicKey: Uint8Array): Uint8Array =>
  suite.sha256(concatBytes(utf8(name), new Uint8Array([0x0a, ED25519_TYPE]), publicKey)).subarray(0, 4);

export const formatCheckpointText = (origin: string, size: number, root: Uint8Array): string => `${origin}\n${size}\n${toBase64(root)}\n`;

export const signCheckpoint = (
  suite: Suite,
  seed: Uint8Array,
  cp: { origin: string; size: number; root: Uint8Array; head: Uint8Array },
): Checkpoint => {
  const text = formatCheckpointText(cp.origin, cp.size, cp.root);
  const signature = suite.sign(seed, utf8(text));
  const keyId = noteKeyId(suite, cp.origin, suite.publicKey(seed));
  const note = `${text}\n${SIG_LINE}${cp.origin} ${toBase64(concatBytes(keyId, signature))}\n`;
  return { origin: cp.origin, size: cp.size, root: toHex(cp.root), head: toHex(cp.head), note };
};

/** Parses a signed note holding a checkpoint; undefined when it is not well-formed. */
export const parseCheckpoint = (note: string): ParsedCheckpoint | undefined => {
  const split = note.indexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return undefined;
  const text = note.slice(0, split + 1);
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) return undefined;
  const [origin, sizeLine, rootLine, ...extensions] = lines;
  if (!origin || !/^(0|[1-9][0-9]*)$/.test(sizeLine)) return undefined;
  const size = Number(sizeLine);
  const root = fromBase64(rootLine);
  if (!Number.isSafeInteger(size) || !root || root.length !== 32) return undefined;
  const signatures: NoteSignature[] = [];
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const m = /^\u2014 ([^ +]+) ([A-Za-z0-9+/=]+)$/.exec(line);
    const raw = m && fromBase64(m[2]);
    if (!m || !raw || raw.length < 5) return undefined;
    signatures.push({ name: m[1], keyId: raw.subarray(0, 4), signature: raw.subarray(4) });
  }
  if (signatures.length === 0) return undefined;
  return { origin, size, root, extensions, text, signatures };
};

/**
 * Checks that a checkpoint's note is signed for `origin` by `publicKey` and that
 * its JSON fields say what the note says. Returns a reason on failure.
 */
export const verifyCheckpoint = (suite: Suite, cp: Checkpoint, origin: string, publicKey: Uint8Array): string | undefined => {
  const parsed = typeof cp?.note === 'string' ? parseCheckpoint(cp.note) : undefined;
  if (!parsed) return 'the checkpoint note is not a well-formed signed note';
  if (parsed.origin !== origin || cp.origin !== origin) return `the checkpoint is for origin ${parsed.origin}, not ${origin}`;
  if (parsed.size !== cp.size) return `the note says size ${parsed.size} but the checkpoint says ${cp.size}`;
  const root = fromHex(cp.root);
  if (!root || !bytesEqual(root, parsed.root)) return 'the note and the checkpoint disagree on the root';
  if (typeof cp.head !== 'string' || fromHex(cp.head)?.length !== 32) return 'the checkpoint head is not a hash';
  const keyId = noteKeyId(suite, origin, publicKey);
  const sig = parsed.signatures.find((s) => s.name === origin && bytesEqual(s.keyId, keyId));
  if (!sig) return 'the note carries no signature by the operator key';
  if (!suite.verify(publicKey, utf8(parsed.text), sig.signature)) return 'the operator signature on the note does not verify';
  return undefined;
};
