/**
 * What an export of a lot covers (docs/EXPORTS.md): the lot, every ancestor it
 * was made from and every descendant made from it, transitively — one step
 * back and one step forward, repeated, which is what a trace-back and a recall
 * both need — and every ledger entry about any of them, each once, in index
 * order. Read from state kept at append time (the lots' entry lists), never by
 * scanning the log, in one synchronous stretch so it is one consistent moment.
 */
import type { Entry, StateView } from '../../../ledger/index.js';
import { descendants, getLot, lotEntries, type LotRecord } from '../../trace/index.js';

export interface ExportSource extends Pick<StateView, 'get'> {
  entry(index: number): Entry | undefined;
}

export interface Lineage {
  lot: LotRecord;
  /** The covered lots by code: the lot, its ancestors, its descendants. */
  lots: Map<string, LotRecord>;
  /** Every entry about a covered lot, ascending by index. */
  entries: Entry[];
}

/** The lineage of `code`, or undefined for an unknown lot. */
export const collectLineage = (src: ExportSource, code: string): Lineage | undefined => {
  const lot = getLot(src, code);
  if (!lot) return undefined;
  const lots = new Map<string, LotRecord>([[lot.code, lot]]);
  for (const a of lot.ancestors) {
    const rec = getLot(src, a);
    if (rec) lots.set(a, rec);
  }
  for (const { lot: d } of descendants(src, lot)) lots.set(d.code, d);
  const indexes = new Set<number>();
  for (const l of lots.values()) for (const i of lotEntries(src, l)) indexes.add(i);
  const entries = [...indexes]
    .sort((a, b) => a - b)
    .map((i) => src.entry(i))
    .filter((e): e is Entry => e !== undefined);
  return { lot, lots, entries };
};

/** A lot record by code: from the lineage, else from state (transform inputs outside it). */
export const lotIn = (src: ExportSource, lineage: Lineage, code: string): LotRecord | undefined =>
  lineage.lots.get(code) ?? getLot(src, code);
