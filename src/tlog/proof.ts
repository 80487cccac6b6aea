/**
 * anxin's reading of a C2SP tlog-proof (SPEC §12): the proof must verify against
 * the policy (log signature, witness quorum, inclusion), and its extra line must
 * be the canonical entry JCS({index, at, event}) at the proof's index — the
 * bytes whose leaf hash the inclusion proof leads from. Portable.
 */
import { canonicalize, verifyProof, type Envelope, type Policy, type Suite } from '../../ledger/portable.js';

export interface CheckedEntryProof {
  index: number;
  /** The checkpoint size the entry is proven in. */
  size: number;
  origin: string;
  entry: { index: number; at: string; event: Envelope };
  /** Witness name → cosignature time (POSIX seconds). */
  cosignedBy: Record<string, number>;
}

export const checkEntryProof = (suite: Suite, policy: Policy, text: string): CheckedEntryProof | string => {
  const v = verifyProof(suite, policy, text);
  if (typeof v === 'string') return v;
  let entry: CheckedEntryProof['entry'];
  try {
    const raw = new TextDecoder('utf-8', { fatal: true }).decode(v.data);
    entry = JSON.parse(raw);
    if (canonicalize(entry) !== raw) return 'the extra line is not a canonical (JCS) entry';
  } catch {
    return 'the extra line is not a JSON entry';
  }
  if (entry?.index !== v.index || typeof entry.at !== 'string' || typeof entry.event !== 'object' || Object.keys(entry).length !== 3)
    return `the extra line is not the entry { index, at, event } at index ${v.index}`;
  return {
    index: v.index,
    size: v.size,
    origin: v.log.key.name,
    entry,
    cosignedBy: Object.fromEntries(v.cosigned),
  };
};
