/**
 * The `completeness` section of a view (SPEC §12): for every subject the view
 * relies on, its head at the view's checkpoint, the proof of that head in the
 * subject map, and the indexes of its entries (which the view carries, each
 * with an inclusion proof); and the subject note that signs the map's root.
 * Built by the server; checked by src/client/completeness.ts.
 *
 * Which checkpoint a view is proved at (`viewPointFor`): with witnessing, the
 * newest one whose checkpoint and subject note both meet the witness quorum,
 * when it covers every entry of the view; else (entries newer than it, or no
 * witnessing) the newest signed checkpoint. So a view never leaves out an
 * entry the log already holds, and is witnessed as soon as its newest entry is.
 */
import { proveSubjects, type Checkpoint, type Ledger, type SubjectEvidence, type ViewPoint } from '../../ledger/index.js';

export interface Completeness {
  /** The checkpoint size every head and proof is at (= checkpoint.size). */
  size: number;
  /** The subject note at `size`: the operator's signature, and the witnesses' cosignatures when witnessed. */
  note: string;
  subjects: Array<SubjectEvidence & { indexes: number[] }>;
}

export interface ViewAt extends ViewPoint {
  /** No better checkpoint can come for this view: it is witnessed, or witnessing is off. */
  settled: boolean;
}

/**
 * The checkpoint a view whose newest entry is `newest` is proved at (see the file comment).
 * Read in the same synchronous stretch as the state the view is built from.
 */
export const viewPointFor = (
  ledger: Pick<Ledger, 'viewPoint'>,
  witnessed: (() => ViewPoint | undefined) | undefined,
  newest: number,
): ViewAt => {
  if (!witnessed) return { ...ledger.viewPoint(), settled: true };
  const w = witnessed();
  return w && w.checkpoint.size > newest ? { ...w, settled: true } : { ...ledger.viewPoint(), settled: false };
};

export const completenessOf = (point: ViewPoint, lists: ReadonlyArray<{ subject: string; indexes: number[] }>): Completeness => {
  const checkpoint: Checkpoint = point.checkpoint;
  const evidence = proveSubjects(
    point.subjects,
    lists.map((l) => l.subject),
  );
  return {
    size: checkpoint.size,
    note: checkpoint.subjects?.note ?? '',
    subjects: evidence.map((e, k) => ({ ...e, indexes: lists[k].indexes })),
  };
};
