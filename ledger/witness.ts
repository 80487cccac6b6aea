/**
 * The tlog-witness protocol (c2sp.org/tlog-witness), `add-checkpoint`:
 *
 *   old <size>\n<base64 consistency proof line>*\n\n<checkpoint note>
 *
 * `formatAddCheckpoint`/`parseAddCheckpoint` are the wire form; `checkAddCheckpoint`
 * is a witness's decision, pure over its record of the log, with the status
 * codes the protocol fixes. Portable: pass the Suite.
 */
import { bytesEqual, fromBase64, toBase64 } from './encoding.js';
import { emptyRoot, verifyConsistency } from './merkle.js';
import { parseNote, verifyNoteSignature, type Note, type Vkey } from './note.js';
import type { Suite } from './suite.js';

export const MAX_PROOF_LINES = 63;
/** An add-checkpoint body is small: 63 hashes and a note with a few signatures. */
export const MAX_ADD_CHECKPOINT_BYTES = 64 * 1024;
export const SIZE_CONTENT_TYPE = 'text/x.tlog.size';

export interface AddCheckpoint {
  old: number;
  proof: Uint8Array[];
  /** The checkpoint note, verbatim. */
  checkpoint: string;
}

export const formatAddCheckpoint = (r: AddCheckpoint): string =>
  `old ${r.old}\n${r.proof.map((h) => toBase64(h) + '\n').join('')}\n${r.checkpoint}`;

/** Parses a request body; undefined when malformed. */
export const parseAddCheckpoint = (body: string): AddCheckpoint | undefined => {
  if (typeof body !== 'string' || body.length > MAX_ADD_CHECKPOINT_BYTES) return undefined;
  const blank = body.indexOf('\n\n');
  if (blank < 0) return undefined;
  const lines = body.slice(0, blank).split('\n');
  const m = /^old (0|[1-9][0-9]*)$/.exec(lines.shift()!);
  if (!m || !Number.isSafeInteger(Number(m[1])) || lines.length > MAX_PROOF_LINES) return undefined;
  const proof: Uint8Array[] = [];
  for (const line of lines) {
    const h = fromBase64(line);
    if (!h || h.length !== 32) return undefined;
    proof.push(h);
  }
  return { old: Number(m[1]), proof, checkpoint: body.slice(blank + 2) };
};

/** A parsed tlog-checkpoint note: origin, size, root and extension lines. */
export interface CheckpointBody {
  origin: string;
  size: number;
  root: Uint8Array;
  note: Note;
}

export const parseCheckpointNote = (text: string): CheckpointBody | undefined => {
  const note = parseNote(text);
  if (!note) return undefined;
  const lines = note.text.slice(0, -1).split('\n');
  if (lines.length < 3 || lines.some((l) => l === '')) return undefined;
  const [origin, sizeLine, rootLine] = lines;
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine))) return undefined;
  const root = fromBase64(rootLine);
  if (!root || root.length !== 32) return undefined;
  return { origin, size: Number(sizeLine), root, note };
};

/** What a witness knows of one log: its keys and the latest checkpoint it cosigned. */
export interface WitnessedLog {
  origin: string;
  keys: Vkey[];
  /** The latest cosigned size and root (0 and the empty root when none). */
  size: number;
  root: Uint8Array;
}

export type AddCheckpointOutcome =
  | { status: 200; checkpoint: CheckpointBody }
  | { status: 400 | 403 | 404 | 422; reason: string }
  | { status: 409; size: number; reason: string };

/**
 * The checks of add-checkpoint in the protocol's order: well-formed (400), known
 * origin (404), a verifying log signature and no failing one (403), old ≤ size
 * (400), old = the size last cosigned (409), the empty root at size 0, an empty
 * proof from 0, a consistency proof that verifies, the same root at the same size
 * (422). A 200 means the caller may cosign; it must then record the new size
 * and root atomically before answering.
 */
export const checkAddCheckpoint = (
  suite: Suite,
  body: string,
  logOf: (origin: string) => WitnessedLog | undefined,
): AddCheckpointOutcome => {
  const req = parseAddCheckpoint(body);
  if (!req) return { status: 400, reason: 'the body is not "old <size>", proof lines, a blank line and a checkpoint' };
  const cp = parseCheckpointNote(req.checkpoint);
  if (!cp) return { status: 400, reason: 'the checkpoint is not a well-formed signed tlog-checkpoint' };
  const log = logOf(cp.origin);
  if (!log) return { status: 404, reason: `unknown log origin ${cp.origin}` };
  let verified = false;
  for (const sig of cp.note.signatures) {
    const key = log.keys.find((k) => k.name === sig.name && k.keyId === sig.keyId);
    if (!key) continue;
    if (!verifyNoteSignature(suite, cp.note.text, sig, key)) return { status: 403, reason: `the signature of ${key.name} does not verify` };
    verified = true;
  }
  if (!verified) return { status: 403, reason: 'no signature by a key of this log' };
  if (req.old > cp.size) return { status: 400, reason: `old size ${req.old} is larger than the checkpoint size ${cp.size}` };
  if (req.old !== log.size) return { status: 409, size: log.size, reason: `the latest cosigned size is ${log.size}, not ${req.old}` };
  if (cp.size === 0 && !bytesEqual(cp.root, emptyRoot(suite)))
    return { status: 422, reason: 'a checkpoint of size 0 must have the empty root' };
  if (req.old === 0) {
    if (req.proof.length) return { status: 422, reason: 'a proof from size 0 must be empty' };
  } else if (req.old === cp.size) {
    if (!bytesEqual(cp.root, log.root)) return { status: 422, reason: `the root at size ${cp.size} differs from the one cosigned` };
    if (req.proof.length) return { status: 422, reason: 'a proof between equal sizes must be empty' };
  } else if (!verifyConsistency(suite, req.old, cp.size, log.root, cp.root, req.proof)) {
    return { status: 422, reason: `the consistency proof from ${req.old} to ${cp.size} does not verify` };
  }
  return { status: 200, checkpoint: cp };
};
