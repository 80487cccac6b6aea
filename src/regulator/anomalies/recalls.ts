/**
 * recall-overdue (SPEC §15), subject: the lot. Red on a recalled lot — the
 * recalled one or any lot made from it — with quantity still held or in transit
 * after its recall's deadline (24 / 48 / 72 h for level 1 / 2 / 3). A timed
 * rule over the trace plug-in's lot record: it opens by the clock alone at the
 * deadline (evaluated at query time, committed by the next entry), and closes
 * when the last of the lot is disposed of (or lost in a short receipt).
 * `since` is the deadline; `entries` is the recall.
 */
import type { State } from '../../domain/plugin.js';
import { descendants, getLot, recallDeadline, remainingOf, type LotRecord } from '../../trace/index.js';
import type { TimedRule } from './timed.js';
import { refresh } from './timed.js';

const deadlineMs = (lot: LotRecord): number | undefined => (lot.recall ? Date.parse(recallDeadline(lot.recall)) : undefined);

export const recallOverdue: TimedRule<LotRecord> = {
  rule: 'recall-overdue',
  kind: 'lot',
  facts: (state, code) => getLot(state, code),
  // Facts change only in ways that end or shrink the condition, except the recall itself: the run starts at the deadline.
  lastAt: (lot) => (lot.recall ? Date.parse(lot.recall.at) : Date.parse(lot.createdAt)),
  at(lot, t) {
    const due = deadlineMs(lot);
    const left = remainingOf(lot);
    if (due === undefined || t < due || left <= 0) return undefined;
    return {
      severity: 'red',
      detail: {
        recall: lot.recall!.lot,
        level: lot.recall!.level,
        deadline: recallDeadline(lot.recall!),
        remaining: left,
        unit: lot.quantity.unit,
        holders: Object.keys(lot.holdings).slice(0, 20),
        inTransit: Object.keys(lot.inTransit).slice(0, 20),
      },
      entries: [lot.recall!.index],
    };
  },
  changes(lot, after, until) {
    const due = deadlineMs(lot);
    return due !== undefined && due > after && due <= until ? [due] : [];
  },
  nextChange(lot, t) {
    const due = deadlineMs(lot);
    return due !== undefined && due > t && remainingOf(lot) > 0 ? due : undefined;
  },
};

/** After a lot.recall: the recalled lot and every lot made from it get their deadline. */
export const observeRecall = (state: State, code: string, atMs: number): void => {
  const lot = getLot(state, code);
  if (!lot) return;
  for (const l of [lot, ...descendants(state, lot).map((d) => d.lot)]) refresh(state, recallOverdue, l.code, atMs, l);
};

/** After a quantity of a lot fell (dispose, short receipt): a recalled lot is re-evaluated (closing at 0). */
export const recheckRecall = (state: State, code: string, atMs: number): void => {
  const lot = getLot(state, code);
  if (lot?.recall) refresh(state, recallOverdue, code, atMs, lot);
};
