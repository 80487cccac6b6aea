/**
 * refund-overdue (SPEC §10), per merchant: a refund request not followed by a
 * card.refund of that card within 5 days → yellow; ≥ 3 such in 30 days → red.
 *
 * A request is answered by any card.refund of its card within 5 × 24 h
 * (inclusive); one still unanswered after that is overdue from 5 days + 1 ms on,
 * and yellow lasts until a refund of the card arrives. Every request that went
 * overdue — answered late or not yet — counts towards red while it was made in
 * the last 30 days (docs/ANOMALIES.md).
 */
import type { EventContext, State } from '../../domain/plugin.js';
import type { Condition, TimedRule } from './timed.js';
import { DAY } from './time.js';
import { boundEntries, iso } from './types.js';

export const REFUND_DUE_MS = 5 * DAY;
export const REFUND_WINDOW_MS = 30 * DAY;
export const REFUND_RED_COUNT = 3;

export interface RefundFacts {
  lastAt: number;
  /** Unanswered requests: [request ms, index, card, request event id], in request order. */
  pending: Array<[number, number, string, string]>;
  /** Requests answered late, made in the last 30 days: [request ms, index, refund index]. */
  late: Array<[number, number, number]>;
}

const refundsKey = (merchant: string) => `anomaly/refunds/${merchant}`;

export const recordRequest = (
  state: State,
  merchant: string,
  card: string,
  requestId: string,
  ctx: Pick<EventContext, 'index' | 'atMs'>,
): void => {
  const f = state.get<RefundFacts>(refundsKey(merchant)) ?? { lastAt: 0, pending: [], late: [] };
  state.put(refundsKey(merchant), {
    lastAt: ctx.atMs,
    pending: [...f.pending, [ctx.atMs, ctx.index, card, requestId]],
    late: f.late.filter(([q]) => q > ctx.atMs - REFUND_WINDOW_MS),
  } satisfies RefundFacts);
};

/** A card.refund of `card` answers every pending request of that card: in time, or late. */
export const recordRefund = (state: State, merchant: string, card: string, ctx: Pick<EventContext, 'index' | 'atMs'>): void => {
  const f = state.get<RefundFacts>(refundsKey(merchant));
  if (!f) return;
  const answered = f.pending.filter((p) => p[2] === card);
  const late = [
    ...f.late,
    ...answered.filter(([q]) => ctx.atMs - q > REFUND_DUE_MS).map(([q, i]) => [q, i, ctx.index] as [number, number, number]),
  ].filter(([q]) => q > ctx.atMs - REFUND_WINDOW_MS);
  state.put(refundsKey(merchant), { lastAt: ctx.atMs, pending: f.pending.filter((p) => p[2] !== card), late } satisfies RefundFacts);
};

export const refundOverdue: TimedRule<RefundFacts> = {
  rule: 'refund-overdue',
  kind: 'merchant',
  facts: (state, id) => state.get<RefundFacts>(refundsKey(id)),
  lastAt: (f) => f.lastAt,
  at(f, t): Condition | undefined {
    const overdue = f.pending.filter(([q]) => t - q > REFUND_DUE_MS);
    const counted = [...overdue.map(([q, i]) => [q, i]), ...f.late.map(([q, i, r]) => [q, i, r])].filter(([q]) => q > t - REFUND_WINDOW_MS);
    const red = counted.length >= REFUND_RED_COUNT;
    if (!red && !overdue.length) return undefined;
    return {
      severity: red ? 'red' : 'yellow',
      detail: {
        unanswered: overdue.length,
        overdueLast30Days: counted.length,
        ...(overdue.length && { oldestRequestAt: iso(overdue[0][0]), oldestCard: overdue[0][2] }),
      },
      entries: boundEntries([...overdue.map(([, i]) => i), ...counted.flatMap(([, ...is]) => is)]),
    };
  },
  changes: (f, after, until) =>
    [
      ...f.pending.map(([q]) => q + REFUND_DUE_MS + 1),
      ...f.pending.map(([q]) => q + REFUND_WINDOW_MS),
      ...f.late.map(([q]) => q + REFUND_WINDOW_MS),
    ]
      .filter((x) => x > after && x <= until)
      .sort((a, b) => a - b),
  nextChange(f, t) {
    const xs = [
      ...f.pending.map(([q]) => q + REFUND_DUE_MS + 1),
      ...f.pending.map(([q]) => q + REFUND_WINDOW_MS),
      ...f.late.map(([q]) => q + REFUND_WINDOW_MS),
    ];
    const later = xs.filter((x) => x > t);
    return later.length ? Math.min(...later) : undefined;
  },
};
