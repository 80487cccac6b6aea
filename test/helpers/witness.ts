/**
 * A witness as views see it, for tests of the pages' quorum checks: a tlog-policy
 * pinning the log and one witness `w1` (key name w1.example), and that witness's
 * cosignatures added to a view's checkpoint note and subject note — what a
 * replaying witness and the service's submitter put there (SPEC §12).
 */
import { COSIGNATURE_TYPE, ED25519_TYPE, formatVkey, fromBase64Url, nodeSuite, parseNote, signCosignature } from '../../ledger/index.js';
import { newKey } from './fixture.js';

export const W1 = newKey('w1.example');

/** A policy with the log of `anchor` and witness w1, with quorum line `quorum` (`w1` or `none`). */
export const policyFor = (anchor: { origin: string; operatorKey: string }, quorum: string): string =>
  [
    `log ${formatVkey(nodeSuite, anchor.origin, ED25519_TYPE, fromBase64Url(anchor.operatorKey)!).vkey}`,
    `witness w1 ${formatVkey(nodeSuite, 'w1.example', COSIGNATURE_TYPE, nodeSuite.publicKey(W1.seed)).vkey}`,
    `quorum ${quorum}`,
  ].join('\n');

/**
 * Adds a w1.example cosignature at `time` to the view's checkpoint note (signed with `seed`)
 * and to its subject note (with `subjectSeed`; null: none). Changes and returns `view`.
 */
export const cosignView = (view: any, time: number, seed = W1.seed, subjectSeed: Uint8Array | null = seed): any => {
  const note = parseNote(view.checkpoint.note)!;
  view.checkpoint.note += signCosignature(nodeSuite, 'w1.example', seed, note.text, time) + '\n';
  if (subjectSeed) {
    const text = parseNote(view.completeness.note)!.text;
    view.completeness.note += signCosignature(nodeSuite, 'w1.example', subjectSeed, text, time) + '\n';
  }
  return view;
};
