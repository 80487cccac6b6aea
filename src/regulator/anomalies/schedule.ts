/**
 * The re-evaluation schedule of the time-dependent rules. A rule whose result
 * can change with the mere passing of time (a complaint becoming overdue, a
 * 7-day window sliding) asks to be re-evaluated at the instant it may change.
 * The observer runs every item due by an entry's server time before anything
 * else, so committed state holds each anomaly as of the latest entry; a query
 * evaluates only the items that fell due since (see pendingDue). Pure: reads and
 * writes go through State, and time is the entry's.
 *
 *   anomaly/sched/next                  earliest pending instant (ms), absent when none
 *   anomaly/sched/hours                 sorted hour numbers that have pending minutes
 *   anomaly/sched/hour/<hour>           sorted minute numbers of that hour that have items
 *   anomaly/sched/min/<minute>          [due, rule, subjectKey][] sorted by due
 *   anomaly/sched/due/<rule>/<subject>  the one pending instant that counts for (rule, subject)
 *
 * One subject has at most one item: scheduling replaces it, and a rule that
 * can no longer change by time alone unschedules it, so the schedule holds only
 * changes that can really happen (a query never wades through dead items).
 * Values stay small: a minute's items, an hour's minutes, and the hours of the
 * horizon (at most ~31 days ahead).
 */
import type { State } from '../../domain/plugin.js';
import { HOUR, MINUTE } from './time.js';
import type { Reader, Rule } from './types.js';

export type Item = [due: number, rule: Rule, subjectKey: string];

const NEXT = 'anomaly/sched/next';
const HOURS = 'anomaly/sched/hours';
const hourKey = (h: number) => `anomaly/sched/hour/${h}`;
const minuteKey = (m: number) => `anomaly/sched/min/${m}`;
const dueKey = (rule: Rule, subjectKey: string) => `anomaly/sched/due/${rule}/${subjectKey}`;

/** Inserts x into a sorted array of distinct numbers (in place); false when already there. */
const insertSorted = (xs: number[], x: number): boolean => {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  if (xs[lo] === x) return false;
  xs.splice(lo, 0, x);
  return true;
};

const byDue = (a: Item, b: Item): number =>
  a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);

/** The instant (rule, subject) is due to be re-evaluated, if any. */
export const scheduledAt = (state: Reader, rule: Rule, subjectKey: string): number | undefined =>
  state.get<number>(dueKey(rule, subjectKey));

/** The earliest pending instant, from the structure itself. */
const earliest = (state: Reader): number | undefined => {
  const hours = state.get<number[]>(HOURS);
  if (!hours?.length) return undefined;
  const minutes = state.get<number[]>(hourKey(hours[0]));
  return minutes?.length ? state.get<Item[]>(minuteKey(minutes[0]))?.[0]?.[0] : undefined;
};

/** Drops the pending re-evaluation of (rule, subject), if any. */
export const unschedule = (state: State, rule: Rule, subjectKey: string): void => {
  const at = scheduledAt(state, rule, subjectKey);
  if (at === undefined) return;
  state.del(dueKey(rule, subjectKey));
  const minute = Math.floor(at / MINUTE);
  const hour = Math.floor(at / HOUR);
  const bucket = (state.get<Item[]>(minuteKey(minute)) ?? []).filter((x) => !(x[0] === at && x[1] === rule && x[2] === subjectKey));
  if (bucket.length) state.put(minuteKey(minute), bucket);
  else {
    state.del(minuteKey(minute));
    const minutes = (state.get<number[]>(hourKey(hour)) ?? []).filter((m) => m !== minute);
    if (minutes.length) state.put(hourKey(hour), minutes);
    else {
      state.del(hourKey(hour));
      state.put(
        HOURS,
        (state.get<number[]>(HOURS) ?? []).filter((h) => h !== hour),
      );
    }
  }
  if (state.get<number>(NEXT) === at) {
    const next = earliest(state);
    if (next === undefined) state.del(NEXT);
    else state.put(NEXT, next);
  }
};

/** Makes `at` (ms) the one instant (rule, subject) is re-evaluated at, replacing any other. */
export const schedule = (state: State, rule: Rule, subjectKey: string, at: number): void => {
  const pending = scheduledAt(state, rule, subjectKey);
  if (pending === at) return;
  if (pending !== undefined) unschedule(state, rule, subjectKey);
  state.put(dueKey(rule, subjectKey), at);
  const minute = Math.floor(at / MINUTE);
  const hour = Math.floor(at / HOUR);
  const bucket = state.get<Item[]>(minuteKey(minute)) ?? [];
  bucket.push([at, rule, subjectKey]);
  bucket.sort(byDue);
  state.put(minuteKey(minute), bucket);
  if (bucket.length === 1) {
    const minutes = state.get<number[]>(hourKey(hour)) ?? [];
    insertSorted(minutes, minute);
    state.put(hourKey(hour), minutes);
    if (minutes.length === 1) {
      const hours = state.get<number[]>(HOURS) ?? [];
      insertSorted(hours, hour);
      state.put(HOURS, hours);
    }
  }
  const next = state.get<number>(NEXT);
  if (next === undefined || at < next) state.put(NEXT, at);
};

/**
 * Removes and returns every item due at or before `nowMs`, in due order. The
 * caller re-evaluates each; those evaluations may schedule again, always after `nowMs`.
 */
export const takeDue = (state: State, nowMs: number): Item[] => {
  const out: Item[] = [];
  let next = state.get<number>(NEXT);
  while (next !== undefined && next <= nowMs) {
    const hours = state.get<number[]>(HOURS) ?? [];
    if (!hours.length) break;
    const hour = hours[0];
    const minutes = state.get<number[]>(hourKey(hour)) ?? [];
    const minute = minutes[0];
    const bucket = minutes.length ? (state.get<Item[]>(minuteKey(minute)) ?? []) : [];
    let k = 0;
    while (k < bucket.length && bucket[k][0] <= nowMs) k++;
    for (const item of bucket.slice(0, k)) {
      const key = dueKey(item[1], item[2]);
      if (state.get<number>(key) !== item[0]) continue;
      state.del(key);
      out.push(item);
    }
    if (!minutes.length) {
      // Defensive: an hour listed without minutes is dropped (the structure is only ever written here and in schedule).
      state.del(hourKey(hour));
      hours.shift();
      state.put(HOURS, hours);
    } else if (k < bucket.length) state.put(minuteKey(minute), bucket.slice(k));
    else {
      state.del(minuteKey(minute));
      minutes.shift();
      if (minutes.length) state.put(hourKey(hour), minutes);
      else {
        state.del(hourKey(hour));
        hours.shift();
        state.put(HOURS, hours);
      }
    }
    next = earliest(state);
  }
  if (next === undefined) state.del(NEXT);
  else state.put(NEXT, next);
  return out;
};

/**
 * The items due at or before `nowMs`, without changing anything: what a
 * query must evaluate on top of committed state (items due by the latest entry
 * have already been run). Costs one read when nothing is due.
 */
export const pendingDue = (state: Reader, nowMs: number): Item[] => {
  const next = state.get<number>(NEXT);
  if (next === undefined || next > nowMs) return [];
  const out: Item[] = [];
  for (const hour of state.get<number[]>(HOURS) ?? []) {
    if (hour * HOUR > nowMs) break;
    for (const minute of state.get<number[]>(hourKey(hour)) ?? []) {
      if (minute * MINUTE > nowMs) break;
      for (const item of state.get<Item[]>(minuteKey(minute)) ?? []) {
        if (item[0] > nowMs) break;
        if (state.get<number>(dueKey(item[1], item[2])) === item[0]) out.push(item);
      }
    }
  }
  return out;
};
