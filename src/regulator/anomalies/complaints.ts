/**
 * complaint-surge and complaint-overdue (SPEC §10), per merchant, from one small
 * record of its complaints kept at append time:
 *
 *   complaint-surge    red when ≥ 5 complaints were filed in the last 7 days
 *                      (a rolling 7 × 24 h window), or while any `closure`
 *                      complaint is open
 *   complaint-overdue  yellow while a complaint is open for more than 7 days
 *
 * Both are timed rules: a surge ends when its fifth-latest filing leaves the
 * window; a complaint becomes overdue 7 days and 1 ms after it was filed.
 */
import type { EventContext, State } from '../../domain/plugin.js';
import type { Condition, TimedRule } from './timed.js';
import { DAY } from './time.js';
import { boundEntries, iso } from './types.js';

export const SURGE_COUNT = 5;
export const SURGE_WINDOW_MS = 7 * DAY;
export const OVERDUE_MS = 7 * DAY;
/** Filings kept for the window (the count in `detail` is exact up to this). */
const KEPT_FILINGS = 100;

export interface ComplaintFacts {
  lastAt: number;
  /** Filings of the last 7 days (as of lastAt), [server time ms, index], ascending, at most 100. */
  filed: Array<[number, number]>;
  /** Open complaints: [filed ms, filing index, complaint id, closure 1/0], in filing order. */
  open: Array<[number, number, string, number]>;
}

const complaintsKey = (merchant: string) => `anomaly/complaints/${merchant}`;
const empty = (): ComplaintFacts => ({ lastAt: 0, filed: [], open: [] });

export const recordFiling = (
  state: State,
  merchant: string,
  complaint: string,
  category: string,
  ctx: Pick<EventContext, 'index' | 'atMs'>,
): void => {
  const f = state.get<ComplaintFacts>(complaintsKey(merchant)) ?? empty();
  const filed = [...f.filed.filter(([t]) => t > ctx.atMs - SURGE_WINDOW_MS), [ctx.atMs, ctx.index] as [number, number]].slice(
    -KEPT_FILINGS,
  );
  const open = [...f.open, [ctx.atMs, ctx.index, complaint, category === 'closure' ? 1 : 0] as [number, number, string, number]];
  state.put(complaintsKey(merchant), { lastAt: ctx.atMs, filed, open } satisfies ComplaintFacts);
};

export const recordResolution = (state: State, merchant: string, complaint: string, ctx: Pick<EventContext, 'atMs'>): void => {
  const f = state.get<ComplaintFacts>(complaintsKey(merchant));
  if (!f) return;
  const filed = f.filed.filter(([t]) => t > ctx.atMs - SURGE_WINDOW_MS);
  state.put(complaintsKey(merchant), {
    lastAt: ctx.atMs,
    filed,
    open: f.open.filter(([, , id]) => id !== complaint),
  } satisfies ComplaintFacts);
};

const inWindow = (f: ComplaintFacts, t: number) => f.filed.filter(([at]) => at > t - SURGE_WINDOW_MS && at <= t);

export const complaintSurge: TimedRule<ComplaintFacts> = {
  rule: 'complaint-surge',
  kind: 'merchant',
  facts: (state, id) => state.get<ComplaintFacts>(complaintsKey(id)),
  lastAt: (f) => f.lastAt,
  at(f, t): Condition | undefined {
    const recent = inWindow(f, t);
    const closure = f.open.filter((c) => c[3] === 1);
    const surge = recent.length >= SURGE_COUNT;
    if (!surge && !closure.length) return undefined;
    return {
      severity: 'red',
      detail: { filedLast7Days: recent.length, surge, openClosureComplaints: closure.map((c) => c[2]).slice(0, 20) },
      entries: boundEntries([...(surge ? recent.map(([, i]) => i) : []), ...closure.map((c) => c[1])]),
    };
  },
  changes: (f, after, until) => f.filed.map(([t]) => t + SURGE_WINDOW_MS).filter((x) => x > after && x <= until),
  nextChange(f, t) {
    // A surge can only start with a filing; with the window sliding it can only end.
    if (inWindow(f, t).length < SURGE_COUNT) return undefined;
    return f.filed.map(([at]) => at + SURGE_WINDOW_MS).find((x) => x > t);
  },
};

const overdueAt = (f: ComplaintFacts, t: number) => f.open.filter(([at]) => t - at > OVERDUE_MS);

export const complaintOverdue: TimedRule<ComplaintFacts> = {
  rule: 'complaint-overdue',
  kind: 'merchant',
  facts: (state, id) => state.get<ComplaintFacts>(complaintsKey(id)),
  lastAt: (f) => f.lastAt,
  at(f, t): Condition | undefined {
    const overdue = overdueAt(f, t);
    if (!overdue.length) return undefined;
    const [oldestAt, , oldest] = overdue[0];
    return {
      severity: 'yellow',
      detail: { overdue: overdue.length, oldest, oldestFiledAt: iso(oldestAt) },
      entries: boundEntries(overdue.map(([, i]) => i)),
    };
  },
  changes: (f, after, until) => f.open.map(([at]) => at + OVERDUE_MS + 1).filter((x) => x > after && x <= until),
  nextChange: (f, t) => f.open.map(([at]) => at + OVERDUE_MS + 1).find((x) => x > t),
};
