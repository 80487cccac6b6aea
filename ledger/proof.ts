/**
 * Proofs people keep (c2sp.org/tlog-proof): an entry's index, its inclusion
 * proof and a (cosigned) checkpoint, in one text that verifies offline against
 * a tlog-policy. anxin puts the canonical entry, JCS({index, at, event}), in the
 * `extra` line, so the leaf is recomputed from the proof itself.
 * Portable: pass the Suite.
 */
import { fromBase64, toBase64 } from './encoding.js';
import { leafHash, verifyInclusion } from './merkle.js';
import { parseNote } from './note.js';
import { verifyCheckpointNote, type Policy, type VerifiedNote } from './policy.js';
import type { Suite } from './suite.js';

export const PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

export interface TlogProof {
  extra?: Uint8Array;
  index: number;
  path: Uint8Array[];
  /** The checkpoint, verbatim (a signed note). */
  checkpoint: string;
}

export const formatProof = (p: TlogProof): string =>
  [
    PROOF_HEADER,
    ...(p.extra ? [`extra ${toBase64(p.extra)}`] : []),
    `index ${p.index}`,
    ...p.path.map(toBase64),
    '',
    p.checkpoint.replace(/\n$/, ''),
  ].join('\n') + '\n';

/** Parses a proof; undefined unless it is exactly the tlog-proof form. */
export const parseProof = (text: string): TlogProof | undefined => {
  if (typeof text !== 'string' || text.length > 1 << 20) return undefined;
  const blank = text.indexOf('\n\n');
  if (blank < 0) return undefined;
  const head = text.slice(0, blank).split('\n');
  const checkpoint = text.slice(blank + 2);
  if (head.shift() !== PROOF_HEADER) return undefined;
  let extra: Uint8Array | undefined;
  if (head[0]?.startsWith('extra ')) {
    extra = fromBase64(head.shift()!.slice(6));
    if (!extra) return undefined;
  }
  const m = /^index (0|[1-9][0-9]*)$/.exec(head.shift() ?? '');
  if (!m || !Number.isSafeInteger(Number(m[1]))) return undefined;
  if (head.length > 63) return undefined;
  const path: Uint8Array[] = [];
  for (const line of head) {
    const h = fromBase64(line);
    if (!h || h.length !== 32) return undefined;
    path.push(h);
  }
  if (!parseNote(checkpoint)) return undefined;
  return { ...(extra ? { extra } : {}), index: Number(m[1]), path, checkpoint };
};

export interface VerifiedProof extends VerifiedNote {
  index: number;
  size: number;
  /** The leaf data: the extra line's bytes, or what the caller supplied. */
  data: Uint8Array;
}

/**
 * Verifies a proof offline: the checkpoint against the policy (log signature and
 * witness quorum), then the inclusion of `data` (default: the extra line) at the
 * proof's index. Returns what verified, or why not.
 */
export const verifyProof = (suite: Suite, policy: Policy, text: string, data?: Uint8Array): VerifiedProof | string => {
  const proof = parseProof(text);
  if (!proof) return `not a ${PROOF_HEADER} proof`;
  const note = verifyCheckpointNote(suite, policy, proof.checkpoint);
  if (typeof note === 'string') return `checkpoint: ${note}`;
  const lines = note.note.text.split('\n');
  const size = /^(0|[1-9][0-9]*)$/.test(lines[1]) ? Number(lines[1]) : NaN;
  const root = fromBase64(lines[2] ?? '');
  if (!Number.isSafeInteger(size) || !root || root.length !== 32) return 'the checkpoint is not a tlog-checkpoint';
  const leafData = data ?? proof.extra;
  if (!leafData) return 'the proof has no extra line and no entry was given';
  if (!verifyInclusion(suite, proof.index, size, leafHash(suite, leafData), proof.path, root))
    return `the inclusion proof does not lead from entry ${proof.index} to the checkpoint root`;
  return { ...note, index: proof.index, size, data: leafData };
};
