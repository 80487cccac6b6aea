/**
 * The recall view of SPEC §8: the lot (depth 0) and every lot made from it,
 * transitively (depth = shortest distance), with who holds how much, what is in
 * transit with which carrier, and what was already sold or disposed of — what a
 * regulator needs to execute a recall. It answers before any recall too.
 */
import type { StateView } from '../../ledger/index.js';
import type { RecallView } from '../../schemas/trace.js';
import { descendants } from './lineage.js';
import { getLot, getShipment, lotStatus, type LotRecord, type Recall } from './state.js';
import { latestRecalls, recallDeadline, remainingOf, type RecallRecord } from './recall-progress.js';
import type { RecallProgressView } from '../../schemas/trace.js';

export type { RecallProgressView };

const point = (ms: number, remaining: Record<string, number>) => ({ at: new Date(ms).toISOString(), remaining });

/** One recall's progress at `nowMs`: overdue when past its deadline with anything remaining. */
export const progressLine = (r: RecallRecord, nowMs: number): RecallProgressView['recalls'][number] => ({
  lot: r.code,
  index: r.index,
  level: r.level,
  reason: r.reason,
  by: r.by,
  at: r.at,
  deadline: r.deadline,
  lots: r.lots,
  remaining: r.remaining,
  overdue: nowMs >= Date.parse(r.deadline) && Object.values(r.remaining).some((x) => x > 0),
  series: r.series.map(([ms, rem]) => point(ms, rem)),
});

/** The latest `limit` recalls, newest first, with their progress. */
export const buildRecallProgress = (state: Pick<StateView, 'get'>, limit: number, nowMs: number): RecallProgressView => ({
  recalls: latestRecalls(state, limit).map((r) => progressLine(r, nowMs)),
});

export type { RecallView };

const lotLine = (state: Pick<StateView, 'get'>, lot: LotRecord, depth: number, nowMs: number): RecallView['lots'][number] => ({
  code: lot.code,
  depth,
  product: lot.product,
  status: lotStatus(lot, nowMs),
  holdings: Object.entries(lot.holdings).map(([actor, amount]) => ({ actor, amount })),
  inTransit: Object.entries(lot.inTransit).map(([shipment, amount]) => {
    const s = getShipment(state, shipment);
    return { shipment, from: s?.from ?? '', to: s?.to ?? '', carrier: s?.carrier ?? null, amount };
  }),
  sold: lot.sold,
  disposed: lot.disposed,
  remaining: remainingOf(lot),
  unit: lot.quantity.unit,
  deadline: lot.recall ? recallDeadline(lot.recall) : null,
});

/** The recall as the views show it. */
export const recallInfo = (r: Recall) => ({
  lot: r.lot,
  index: r.index,
  level: r.level,
  reason: r.reason,
  by: r.by,
  at: r.at,
  deadline: recallDeadline(r),
});

/** The recall view of `code` at `nowMs`, or undefined for an unknown lot. */
export const buildRecallView = (state: Pick<StateView, 'get'>, code: string, nowMs: number): RecallView | undefined => {
  const lot = getLot(state, code);
  if (!lot) return undefined;
  return {
    code,
    recall: lot.recall ? recallInfo(lot.recall) : null,
    deadline: lot.recall ? recallDeadline(lot.recall) : null,
    lots: [lotLine(state, lot, 0, nowMs), ...descendants(state, lot).map((d) => lotLine(state, d.lot, d.depth, nowMs))],
  };
};
