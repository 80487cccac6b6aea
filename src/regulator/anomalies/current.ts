/**
 * Anomalies as of the current clock. Committed state holds each anomaly as of
 * the latest entry; a timed rule whose scheduled re-evaluation has fallen due
 * since then is evaluated now, from its facts, without writing anything. The
 * cost is bounded by the re-evaluations due since the latest entry (none in the
 * common case: one read of the schedule's next instant).
 */
import { TIMED_RULES } from './registry.js';
import { pendingDue, scheduledAt } from './schedule.js';
import { getOpen } from './store.js';
import { evaluateTimed } from './timed.js';
import { subjectKey, subjectOf, type Anomaly, type Reader, type Rule } from './types.js';

/** The open anomaly of (rule, subject) at `nowMs`. */
export const currentAnomaly = (state: Reader, rule: Rule, key: string, nowMs: number): Anomaly | undefined => {
  const prev = getOpen(state, rule, key);
  const timed = TIMED_RULES[rule];
  const due = timed && scheduledAt(state, rule, key);
  if (!timed || due === undefined || due > nowMs) return prev;
  return evaluateTimed(timed, state, subjectOf(key).id, nowMs, prev).anomaly;
};

/** The (rule, subject) pairs whose committed record is stale at `nowMs`, with what they are now. `rule/subjectKey` → anomaly or undefined. */
export const dueOverlay = (state: Reader, nowMs: number): Map<string, Anomaly | undefined> => {
  const out = new Map<string, Anomaly | undefined>();
  for (const [, rule, key] of pendingDue(state, nowMs)) {
    const k = `${rule}/${key}`;
    if (!out.has(k)) out.set(k, currentAnomaly(state, rule, key, nowMs));
  }
  return out;
};

export const MERCHANT_RULES: readonly Rule[] = [
  'custody-short',
  'sales-spike',
  'complaint-surge',
  'complaint-overdue',
  'refund-overdue',
  'holder-rekey',
];

/** A merchant's open anomalies at `nowMs`, newest first: a fixed number of reads, no scan. */
export const merchantAnomalies = (state: Reader, merchant: string, nowMs: number): Anomaly[] =>
  MERCHANT_RULES.map((rule) => currentAnomaly(state, rule, subjectKey('merchant', merchant), nowMs))
    .filter((a): a is Anomaly => a !== undefined)
    .sort((a, b) => (a.since < b.since ? 1 : a.since > b.since ? -1 : a.rule < b.rule ? 1 : -1));
