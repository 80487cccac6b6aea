/**
 * The timed merchant rules (complaint-surge, complaint-overdue, refund-overdue,
 * sales-spike) against an oracle that judges every instant from the whole history: for random
 * histories of filings, resolutions, refund requests and refunds at random
 * times, and reads at random later instants, the engine's anomaly at the read's
 * clock (incremental facts, the schedule, query-time evaluation) has the
 * oracle's presence, severity and `since` (the start of the run of instants at
 * which the condition holds). Pure: the real Observer over an in-memory state.
 */
import fc from 'fast-check';
import type { Envelope } from '../../ledger/index.js';
import { MemoryState } from '../../src/domain/memory-state.js';
import type { EventContext, State } from '../../src/domain/plugin.js';
import { anomalyObserver, currentAnomaly } from '../../src/regulator/anomalies/index.js';

const T0 = Date.parse('2026-11-22T08:00:00.000Z');
const DAY = 24 * 3600 * 1000;
const M = 'm-1';
const CARDS = ['c1', 'c2', 'c3'];

type Op =
  | { kind: 'file'; closure: boolean }
  | { kind: 'resolve'; pick: number }
  | { kind: 'request'; card: number }
  | { kind: 'refund'; card: number }
  | { kind: 'read' };

interface History {
  complaints: Array<{ id: string; filed: number; closure: boolean; resolved?: number }>;
  requests: Array<{ q: number; card: string }>;
  refunds: Array<{ at: number; card: string }>;
}

/** The conditions at instant t, from everything that happened at or before t. */
const oracle = (h: History, t: number): Record<string, string | undefined> => {
  const open = h.complaints.filter((c) => c.filed <= t && (c.resolved === undefined || c.resolved > t));
  const overdue = open.filter((c) => t - c.filed > 7 * DAY);
  const recent = h.complaints.filter((c) => c.filed <= t && c.filed > t - 7 * DAY);
  const answered = (r: { q: number; card: string }) => h.refunds.find((x) => x.card === r.card && x.at > r.q && x.at <= t)?.at;
  const requests = h.requests.filter((r) => r.q <= t);
  const unanswered = requests.filter((r) => answered(r) === undefined && t - r.q > 5 * DAY);
  const counted = requests.filter((r) => {
    const a = answered(r);
    return r.q > t - 30 * DAY && t - r.q > 5 * DAY && (a === undefined || a - r.q > 5 * DAY);
  });
  return {
    'complaint-overdue': overdue.length ? 'yellow' : undefined,
    'complaint-surge': recent.length >= 5 || open.some((c) => c.closure) ? 'red' : undefined,
    'refund-overdue': counted.length >= 3 ? 'red' : unanswered.length ? 'yellow' : undefined,
  };
};

/** Every instant at which an oracle condition may change. */
const changeInstants = (h: History): number[] =>
  [
    ...h.complaints.flatMap((c) => [c.filed, c.filed + 7 * DAY, c.filed + 7 * DAY + 1, ...(c.resolved !== undefined ? [c.resolved] : [])]),
    ...h.requests.flatMap((r) => [r.q, r.q + 5 * DAY + 1, r.q + 30 * DAY]),
    ...h.refunds.map((r) => r.at),
  ].sort((a, b) => a - b);

/** The start of the run of instants up to t at which `rule` holds (it holds at t). */
const runStart = (h: History, rule: string, t: number): number => {
  const points = [...new Set(changeInstants(h).filter((x) => x <= t))];
  let start = points[points.length - 1];
  for (let i = points.length - 2; i >= 0 && oracle(h, points[i])[rule] !== undefined; i--) start = points[i];
  return start;
};

const gap = fc.oneof(
  fc.constantFrom(1, 60_000, 3600_000, DAY, 5 * DAY, 5 * DAY + 1, 7 * DAY, 7 * DAY - 1, 7 * DAY + 1, 23 * DAY),
  fc.integer({ min: 1, max: 10 * DAY }),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('file' as const), closure: fc.integer({ min: 0, max: 9 }).map((x) => x < 2) }),
  fc.record({ kind: fc.constant('resolve' as const), pick: fc.nat(10) }),
  fc.record({ kind: fc.constant('request' as const), card: fc.nat(CARDS.length - 1) }),
  fc.record({ kind: fc.constant('refund' as const), card: fc.nat(CARDS.length - 1) }),
  fc.constant({ kind: 'read' as const }),
);

const run = (steps: Array<[number, Op]>) => {
  const state: State = new MemoryState().begin();
  for (const card of CARDS) state.put(`card/${card}`, { card, merchant: M });
  const h: History = { complaints: [], requests: [], refunds: [] };
  let t = T0;
  let index = 1;
  const post = (type: string, actor: string, body: unknown, id = `ev-${index}`) => {
    const ctx = { index, at: new Date(t).toISOString(), atMs: t } as EventContext;
    anomalyObserver(state, { v: 1, id, type, actor, at: ctx.at, body, sig: '' } as Envelope, ctx);
    index++;
  };
  for (const [dt, o] of steps) {
    t += dt;
    if (o.kind === 'file') {
      const id = `CP-${index}`;
      state.put(`complaint/${id}`, { complaint: id, merchant: M, status: 'open' });
      h.complaints.push({ id, filed: t, closure: o.closure });
      post('complaint.file', 'regulator', { complaint: id, merchant: M, category: o.closure ? 'closure' : 'service', summary: 'x' });
    } else if (o.kind === 'resolve') {
      const open = h.complaints.filter((c) => c.resolved === undefined);
      if (!open.length) continue;
      const c = open[o.pick % open.length];
      c.resolved = t;
      post('complaint.resolve', M, { complaint: c.id, outcome: 'mediated' });
    } else if (o.kind === 'request') {
      h.requests.push({ q: t, card: CARDS[o.card] });
      post('card.refundRequest', `card:${CARDS[o.card]}`, { card: CARDS[o.card], amount: 100, reason: 'service' });
    } else if (o.kind === 'refund') {
      h.refunds.push({ at: t, card: CARDS[o.card] });
      post('card.refund', M, { card: CARDS[o.card], amount: 100 });
    }
    const want = oracle(h, t);
    for (const rule of ['complaint-overdue', 'complaint-surge', 'refund-overdue'] as const) {
      const got = currentAnomaly(state, rule, `merchant:${M}`, t);
      const expected = want[rule] === undefined ? undefined : { severity: want[rule], since: new Date(runStart(h, rule, t)).toISOString() };
      expect([rule, t - T0, got && { severity: got.severity, since: got.since }]).toEqual([rule, t - T0, expected]);
    }
  }
};

test('when filings, resolutions, requests and refunds happen at random times, then every read agrees with the oracle', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(gap, op), { minLength: 5, maxLength: 60 }), (steps) => run(steps)),
    { numRuns: 300 },
  );
});

/** sales-spike judged at instant t from every sale at or before it (CST days: UTC+8). */
const cstDay = (ms: number) => Math.floor((ms + 8 * 3600_000) / DAY);
const spikeOracle = (sales: Array<{ at: number; fen: number }>, t: number): boolean => {
  const past = sales.filter((s) => s.at <= t);
  if (!past.length) return false;
  const today = cstDay(t);
  const sum = (from: number, to: number) => past.filter((s) => cstDay(s.at) >= from && cstDay(s.at) <= to).reduce((a, s) => a + s.fen, 0);
  const last7 = sum(today - 6, today);
  if (t - past[0].at < 14 * DAY) return last7 >= 20_000_000;
  const from = Math.max(today - 90, cstDay(past[0].at));
  const days = today - 7 - from + 1;
  return last7 >= 5_000_000 && last7 * days > 21 * sum(from, today - 7);
};

test('when sales of random sizes happen at random times over months, then every read agrees with the sales-spike oracle', () => {
  const sale = fc.constantFrom(100_000, 1_000_000, 2_500_000, 4_999_999, 5_000_000, 20_000_000);
  const step = fc.tuple(
    fc.oneof(fc.constantFrom(1, 3600_000, DAY, 7 * DAY, 14 * DAY), fc.integer({ min: 1, max: 20 * DAY })),
    fc.option(sale),
  );
  fc.assert(
    fc.property(fc.array(step, { minLength: 3, maxLength: 40 }), (steps) => {
      const state: State = new MemoryState().begin();
      const sales: Array<{ at: number; fen: number }> = [];
      let t = T0;
      let index = 1;
      for (const [dt, fen] of steps) {
        t += dt;
        if (fen !== null) {
          sales.push({ at: t, fen });
          const ctx = { index: index++, at: new Date(t).toISOString(), atMs: t } as EventContext;
          const type = sales.length === 1 ? 'card.issue' : 'card.topup';
          anomalyObserver(
            state,
            { v: 1, id: `ev-${index}`, type, actor: M, at: ctx.at, body: { card: 'c1', amount: fen }, sig: '' } as Envelope,
            ctx,
          );
        }
        const got = currentAnomaly(state, 'sales-spike', `merchant:${M}`, t);
        const want = spikeOracle(sales, t);
        let since: string | undefined;
        if (want) {
          // The run of instants up to t at which it holds: sales, CST midnights and the 14-day mark are where it may change.
          const midnights = Array.from({ length: cstDay(t) - cstDay(T0) + 1 }, (_, k) => (cstDay(T0) + k) * DAY - 8 * 3600_000);
          const points = [...new Set([...sales.map((s) => s.at), ...midnights, sales[0].at + 14 * DAY])]
            .filter((x) => x <= t && x >= sales[0].at)
            .sort((a, b) => a - b);
          let start = points[points.length - 1];
          for (let i = points.length - 2; i >= 0 && spikeOracle(sales, points[i]); i--) start = points[i];
          since = new Date(start).toISOString();
        }
        expect([t - T0, got && { severity: got.severity, since: got.since }]).toEqual([
          t - T0,
          want ? { severity: 'red', since } : undefined,
        ]);
      }
    }),
    { numRuns: 300 },
  );
});
