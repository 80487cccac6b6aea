/**
 * Recall follow-through (SPEC §15, 食品召回管理办法): a recall of level 1, 2, 3
 * must be carried out within 24, 48, 72 hours. Each recall keeps, at append
 * time, what is still out there — held or in transit, per unit, over the
 * recalled lot and every lot made from it — and how that fell over time, so a
 * regulator sees the progress without a scan:
 *
 *   recall/<index>          RecallRecord of the lot.recall entry at <index>
 *   recall/count            { count }
 *   recall/list/<page>      recall entry indexes, in order, PAGE_SIZE per page
 *
 * Quantities leave a recalled lot only by disposal and by loss in a short
 * receipt (ship, sell and transform are refused), so those two rules report
 * here. A lot reached by two recalls reports to the one it records (the most
 * severe; docs/TRACE.md).
 */
import type { State } from '../domain/plugin.js';
import { add, sum } from './amount.js';
import { appendPaged, readPaged, type LotRecord, type Recall } from './state.js';

type Reader = Pick<State, 'get'>;

export const RECALL_HOURS: Readonly<Record<1 | 2 | 3, number>> = { 1: 24, 2: 48, 3: 72 };

/** The instant (RFC 3339) by which a recall must be carried out. */
export const recallDeadline = (r: Pick<Recall, 'at' | 'level'>): string =>
  new Date(Date.parse(r.at) + RECALL_HOURS[r.level] * 3_600_000).toISOString();

/** What is still out there of a lot: held by anyone plus in transit. */
export const remainingOf = (lot: Pick<LotRecord, 'holdings' | 'inTransit'>): number =>
  sum([...Object.values(lot.holdings), ...Object.values(lot.inTransit)]);

/** Series points kept per recall: the first ones, and the latest replacing the last beyond this. */
export const MAX_POINTS = 500;

export interface RecallRecord {
  index: number;
  code: string;
  level: 1 | 2 | 3;
  reason: string;
  by: string;
  at: string;
  deadline: string;
  /** Lots it covered when it was made (the lot and its descendants). */
  lots: number;
  /** unit → amount still held or in transit now. */
  remaining: Record<string, number>;
  /** [ms, unit → remaining] after each change, the first at the recall. */
  series: Array<[number, Record<string, number>]>;
}

const recordKey = (index: number) => `recall/${index}`;

export const getRecallRecord = (state: Reader, index: number): RecallRecord | undefined => state.get<RecallRecord>(recordKey(index));

/** Opens the progress record of a recall covering `lots` (the recalled lot first). */
export const startRecall = (state: State, recall: Recall, lots: readonly LotRecord[], atMs: number): void => {
  const remaining: Record<string, number> = {};
  for (const lot of lots) {
    const left = remainingOf(lot);
    if (left > 0 || !(lot.quantity.unit in remaining)) remaining[lot.quantity.unit] = add(remaining[lot.quantity.unit] ?? 0, left);
  }
  const rec: RecallRecord = {
    index: recall.index,
    code: recall.lot,
    level: recall.level,
    reason: recall.reason,
    by: recall.by,
    at: recall.at,
    deadline: recallDeadline(recall),
    lots: lots.length,
    remaining,
    series: [[atMs, { ...remaining }]],
  };
  state.put(recordKey(recall.index), rec);
  const count = state.get<{ count: number }>('recall/count')?.count ?? 0;
  appendPaged(state, 'recall/list', count, recall.index);
  state.put('recall/count', { count: count + 1 });
};

/** After `amount` of a recalled lot was disposed of or lost: its recall's remaining falls, and the series gets a point. */
export const recallProgress = (state: State, lot: LotRecord, amount: number, atMs: number): void => {
  if (!lot.recall || amount <= 0) return;
  const rec = getRecallRecord(state, lot.recall.index);
  if (!rec) return;
  const unit = lot.quantity.unit;
  rec.remaining[unit] = Math.max(0, add(rec.remaining[unit] ?? 0, -amount));
  const point: [number, Record<string, number>] = [atMs, { ...rec.remaining }];
  if (rec.series.length >= MAX_POINTS) rec.series[rec.series.length - 1] = point;
  else rec.series.push(point);
  state.put(recordKey(rec.index), rec);
};

/** The latest `limit` recalls, newest first. */
export const latestRecalls = (state: Reader, limit: number): RecallRecord[] => {
  const count = state.get<{ count: number }>('recall/count')?.count ?? 0;
  const indexes = readPaged<number>(state, 'recall/list', count);
  return indexes
    .slice(-limit)
    .reverse()
    .map((i) => getRecallRecord(state, i))
    .filter((r): r is RecallRecord => r !== undefined);
};
