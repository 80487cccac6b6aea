/**
 * The `completeness` section of a view (SPEC §12): for every subject the view
 * relies on, its head at the view's checkpoint, the proof of that head in the
 * subject map, and the indexes of its entries (which the view carries, each
 * with an inclusion proof); and the subject note that signs the map's root.
 * Built by the server; checked by src/client/completeness.ts.
 */
import type { Checkpoint, SubjectEvidence } from '../../ledger/index.js';

export interface Completeness {
  /** The checkpoint size every head and proof is at (= checkpoint.size). */
  size: number;
  /** The operator's subject note at `size`. */
  note: string;
  subjects: Array<SubjectEvidence & { indexes: number[] }>;
}

export const completenessOf = (
  checkpoint: Checkpoint,
  evidence: readonly SubjectEvidence[],
  lists: ReadonlyArray<{ subject: string; indexes: number[] }>,
): Completeness => ({
  size: checkpoint.size,
  note: checkpoint.subjects?.note ?? '',
  subjects: evidence.map((e, k) => {
    if (lists[k].subject !== e.subject) throw new TypeError('subject evidence and lists are not in the same order');
    return { ...e, indexes: lists[k].indexes };
  }),
});
