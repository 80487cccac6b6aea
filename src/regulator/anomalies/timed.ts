/**
 * Rules whose result can change with the passing of time alone (SPEC §10:
 * complaint-overdue, refund-overdue, in-transit-stale and the rolling windows of
 * sales-spike and complaint-surge). Each keeps small facts per subject, written
 * at append time, and describes itself as pure functions of those facts and an
 * instant. The same evaluation serves the observer (at an entry's server time)
 * and a query (at the current clock), so both see the same anomaly.
 *
 * `since` (when the anomaly first opened) is the start of the run of instants at
 * which the condition holds, found by walking back over the rule's change
 * instants to the last entry that changed the facts. When it has held ever since
 * that entry, the run may be older: the open record's `since` is kept.
 */
import type { State } from '../../domain/plugin.js';
import { schedule, unschedule } from './schedule.js';
import { getOpen, setOpen } from './store.js';
import { anomalyId, iso, subjectKey, type Anomaly, type Reader, type Rule, type Severity, type SubjectKind } from './types.js';

/** The condition of a rule for a subject at one instant. */
export interface Condition {
  severity: Severity;
  detail: Record<string, unknown>;
  entries: number[];
}

export interface TimedRule<F = any> {
  rule: Rule;
  kind: SubjectKind;
  /** The subject's facts, or undefined when it has none. */
  facts(state: Reader, id: string): F | undefined;
  /** Server time (ms) of the latest entry that changed the facts. */
  lastAt(f: F): number;
  /** The condition at instant `t` (ms) if no entry changes the facts, or undefined when it does not hold. */
  at(f: F, t: number): Condition | undefined;
  /** The instants in (after, until] at which `at` may change, ascending. */
  changes(f: F, after: number, until: number): number[];
  /** The first instant after `t` at which the result may change, or undefined when it cannot change without an entry. */
  nextChange(f: F, t: number): number | undefined;
}

export interface Evaluation {
  anomaly?: Anomaly;
  nextAt?: number;
}

/**
 * The start of the run of instants up to `t` at which the condition holds (it
 * holds at t), looking back no further than the facts' last change: `lastAt`
 * itself means "at least since the last entry that changed the facts".
 */
const runStart = <F>(rule: TimedRule<F>, f: F, t: number): number => {
  const last = rule.lastAt(f);
  if (t <= last) return t;
  const points = rule.changes(f, last, t);
  let start = points.length ? points[points.length - 1] : last;
  for (let i = points.length - 2; i >= -1; i--) {
    const s = i >= 0 ? points[i] : last;
    if (!rule.at(f, s)) break;
    start = s;
  }
  return start;
};

/** The rule's anomaly for subject `id` at `nowMs`, given the open record `prev`, and when to look again. Pure. */
export const evaluateTimed = <F>(
  rule: TimedRule<F>,
  state: Reader,
  id: string,
  nowMs: number,
  prev: Anomaly | undefined,
  facts?: F,
): Evaluation => {
  const f = facts ?? rule.facts(state, id);
  if (f === undefined) return {};
  const c = rule.at(f, nowMs);
  const nextAt = rule.nextChange(f, nowMs);
  if (!c) return { nextAt };
  const start = runStart(rule, f, nowMs);
  const since = start <= rule.lastAt(f) && prev ? prev.since : iso(start);
  return {
    anomaly: {
      id: anomalyId(rule.rule, id),
      rule: rule.rule,
      severity: c.severity,
      subject: id,
      since,
      detail: c.detail,
      entries: c.entries,
    },
    nextAt,
  };
};

/**
 * Re-evaluates (rule, subject) at `nowMs` (an entry's server time), stores the result, and schedules the
 * next look (or none). `facts`, when the caller has just written them, saves reading them back.
 */
export const refresh = <F>(state: State, rule: TimedRule<F>, id: string, nowMs: number, facts?: F): void => {
  const key = subjectKey(rule.kind, id);
  const { anomaly, nextAt } = evaluateTimed(rule, state, id, nowMs, getOpen(state, rule.rule, key), facts);
  setOpen(state, rule.rule, key, anomaly);
  if (nextAt !== undefined) schedule(state, rule.rule, key, nextAt);
  else unschedule(state, rule.rule, key);
};
