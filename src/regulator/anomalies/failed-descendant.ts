/**
 * failed-descendant (SPEC §10), subject: the descendant lot. Red while a lot
 * made (transitively) from a lot whose latest inspection failed still has
 * quantity held or in transit. Event-driven, because each input to it changes
 * only by an entry:
 *
 *   lot.inspect of X     every descendant of X is re-checked (a fail opens, a later pass closes)
 *   lot.transform        each output is checked against its ancestors; inputs with an
 *                        open anomaly are re-checked (their quantity fell)
 *   ship, receive, sell, dispose
 *                        a lot with an open anomaly is re-checked; once nothing is
 *                        held or in transit it closes (quantities never grow back)
 *
 * `entries` are the failing inspections; `since` is the entry that opened it.
 */
import type { EventContext, State } from '../../domain/plugin.js';
import { sum, descendants, getLot, type LotRecord } from '../../trace/index.js';
import { getOpen, setOpen } from './store.js';
import { anomalyId, boundEntries, subjectKey, type Anomaly } from './types.js';

/** What is still there of a lot: held by anyone plus in transit. */
export const remaining = (lot: LotRecord): number => sum([...Object.values(lot.holdings), ...Object.values(lot.inTransit)]);

/** The lot's ancestors whose latest inspection failed. */
const failedAncestors = (state: State, lot: LotRecord): LotRecord[] =>
  lot.ancestors.flatMap((code) => {
    const a = getLot(state, code);
    return a?.inspection?.result === 'fail' ? [a] : [];
  });

/** Re-checks one lot in full: its failed ancestors and its quantity. */
export const checkDescendant = (state: State, lot: LotRecord, ctx: Pick<EventContext, 'at'>): void => {
  const key = subjectKey('lot', lot.code);
  const prev = getOpen(state, 'failed-descendant', key);
  const left = remaining(lot);
  const failed = left > 0 && lot.ancestors.length ? failedAncestors(state, lot) : [];
  if (!failed.length) return setOpen(state, 'failed-descendant', key, undefined);
  const next: Anomaly = {
    id: anomalyId('failed-descendant', lot.code),
    rule: 'failed-descendant',
    severity: 'red',
    subject: lot.code,
    since: prev?.since ?? ctx.at,
    detail: { failed: failed.map((a) => a.code).slice(0, 20), remaining: left, unit: lot.quantity.unit },
    entries: boundEntries(failed.map((a) => a.inspection!.index)),
  };
  setOpen(state, 'failed-descendant', key, next);
};

/** After a quantity change: only a lot with an open anomaly can change (it closes at 0, else its detail updates). */
export const recheckQuantity = (state: State, code: string): void => {
  const key = subjectKey('lot', code);
  const prev = getOpen(state, 'failed-descendant', key);
  if (!prev) return;
  const lot = getLot(state, code);
  const left = lot ? remaining(lot) : 0;
  setOpen(state, 'failed-descendant', key, left > 0 ? { ...prev, detail: { ...prev.detail, remaining: left } } : undefined);
};

/** After an inspection of `code`: every descendant is re-checked. */
export const observeInspection = (state: State, code: string, ctx: Pick<EventContext, 'at'>): void => {
  const lot = getLot(state, code);
  if (!lot || lot.outputCount === 0) return;
  for (const { lot: d } of descendants(state, lot)) checkDescendant(state, d, ctx);
};

/** After a transform: outputs are new descendants; inputs lost quantity. */
export const observeTransformLots = (
  state: State,
  inputs: readonly string[],
  outputs: readonly string[],
  ctx: Pick<EventContext, 'at'>,
): void => {
  for (const code of inputs) recheckQuantity(state, code);
  for (const code of outputs) {
    const lot = getLot(state, code);
    if (lot) checkDescendant(state, lot, ctx);
  }
};
