/**
 * sales-spike (SPEC §10), per merchant: red when issue + top-up of the last 7
 * days > 3 × the weekly average of the 12 weeks before and ≥ 5,000,000 fen;
 * while the merchant's first card.issue is under 14 days old, instead when
 * ≥ 20,000,000 fen in the last 7 days.
 *
 * Facts are daily sums on China Standard Time calendar days (bounded: 91 days),
 * so "the last 7 days" is today and the 6 days before, "the 12 weeks before" the
 * 84 days before those. The weekly average is over the days since the first
 * card.issue when the merchant is younger than that: 7 × sum / days (docs/ANOMALIES.md).
 * The comparison is exact in integers: last7 × days > 21 × sum.
 */
import type { EventContext, State } from '../../domain/plugin.js';
import type { Condition, TimedRule } from './timed.js';
import { cstDay, cstDayStart, DAY } from './time.js';
import { iso, type Reader } from './types.js';

export const SPIKE_MIN_FEN = 5_000_000;
export const SPIKE_YOUNG_FEN = 20_000_000;
export const SPIKE_YOUNG_MS = 14 * DAY;
const WINDOW_DAYS = 7;
const BASELINE_DAYS = 84;
const KEPT_DAYS = WINDOW_DAYS + BASELINE_DAYS;
const RECENT = 32;

export interface SalesFacts {
  lastAt: number;
  /** The first card.issue: [server time ms, index]. */
  first: [number, number];
  /** [CST day, fen issued + topped up that day], ascending, the last 91 days. */
  days: Array<[number, number]>;
  /** The latest sales: [index, CST day], ascending, at most 32. */
  recent: Array<[number, number]>;
}

const salesKey = (merchant: string) => `anomaly/sales/${merchant}`;

/** Records a card.issue or card.topup of `amount` fen; returns the facts as written. */
export const recordSale = (
  state: State,
  merchant: string,
  amount: number,
  isIssue: boolean,
  ctx: Pick<EventContext, 'index' | 'atMs'>,
): SalesFacts | undefined => {
  const prev = state.get<SalesFacts>(salesKey(merchant));
  if (!prev && !isIssue) return undefined; // a top-up always follows an issue; nothing to anchor it otherwise
  const today = cstDay(ctx.atMs);
  const days = (prev?.days ?? []).filter(([d]) => d > today - KEPT_DAYS);
  const last = days[days.length - 1];
  if (last && last[0] === today) last[1] += amount;
  else days.push([today, amount]);
  const recent = [...(prev?.recent ?? []), [ctx.index, today] as [number, number]].slice(-RECENT);
  const facts: SalesFacts = { lastAt: ctx.atMs, first: prev?.first ?? [ctx.atMs, ctx.index], days, recent };
  state.put(salesKey(merchant), facts);
  return facts;
};

/** When the merchant first issued a card (ms), if it has. */
export const firstIssueAt = (state: Reader, merchant: string): number | undefined => state.get<SalesFacts>(salesKey(merchant))?.first[0];

const sumDays = (f: SalesFacts, from: number, to: number): number =>
  f.days.reduce((s, [d, fen]) => (d >= from && d <= to ? s + fen : s), 0);

export const salesSpike: TimedRule<SalesFacts> = {
  rule: 'sales-spike',
  kind: 'merchant',
  facts: (state, id) => state.get<SalesFacts>(salesKey(id)),
  lastAt: (f) => f.lastAt,
  at(f, t): Condition | undefined {
    const today = cstDay(t);
    const last7 = sumDays(f, today - WINDOW_DAYS + 1, today);
    const young = t - f.first[0] < SPIKE_YOUNG_MS;
    const entries = f.recent.filter(([, d]) => d > today - WINDOW_DAYS).map(([i]) => i);
    const base = { last7Days: last7, firstIssueAt: iso(f.first[0]), young };
    if (young)
      return last7 >= SPIKE_YOUNG_FEN ? { severity: 'red', detail: { ...base, thresholdFen: SPIKE_YOUNG_FEN }, entries } : undefined;
    if (last7 < SPIKE_MIN_FEN) return undefined;
    const baseTo = today - WINDOW_DAYS;
    const baseFrom = Math.max(today - KEPT_DAYS + 1, cstDay(f.first[0]));
    const baseDays = Math.max(1, baseTo - baseFrom + 1);
    const baseline = sumDays(f, baseFrom, baseTo);
    if (!(BigInt(last7) * BigInt(baseDays) > 21n * BigInt(baseline))) return undefined;
    return {
      severity: 'red',
      detail: { ...base, thresholdFen: SPIKE_MIN_FEN, weeklyAverage: Math.round((7 * baseline) / baseDays), baselineDays: baseDays },
      entries,
    };
  },
  changes(f, after, until) {
    const out: number[] = [];
    const lastDay = f.days.length ? f.days[f.days.length - 1][0] : cstDay(f.lastAt);
    // Sums change only at CST midnights, and only until the last sale leaves all windows.
    for (let d = cstDay(after) + 1; d <= lastDay + KEPT_DAYS; d++) {
      const m = cstDayStart(d);
      if (m > until) break;
      out.push(m);
    }
    const grown = f.first[0] + SPIKE_YOUNG_MS;
    if (grown > after && grown <= until) {
      out.push(grown);
      out.sort((a, b) => a - b);
    }
    return out;
  },
  nextChange(f, t) {
    // Without sales the 7-day sum only falls: below 5,000,000 fen it can never become red again.
    const today = cstDay(t);
    if (sumDays(f, today - WINDOW_DAYS + 1, today) < SPIKE_MIN_FEN) return undefined;
    const midnight = cstDayStart(today + 1);
    const grown = f.first[0] + SPIKE_YOUNG_MS;
    return grown > t && grown < midnight ? grown : midnight;
  },
};
