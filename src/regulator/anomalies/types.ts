/**
 * Anomalies regulators see (SPEC §10): the record, its rules, and the names the
 * engine keys them by. Decisions where the SPEC is silent: docs/ANOMALIES.md.
 */
import { ANOMALY_RULES, ANOMALY_SEVERITIES } from '../../../schemas/regulator.js';
import type { State } from '../../domain/plugin.js';

/** The rules of SPEC §10 and their severities (the wire enums live with the schemas). */
export const RULES = ANOMALY_RULES;
export type Rule = (typeof RULES)[number];

export const SEVERITIES = ANOMALY_SEVERITIES;
export type Severity = (typeof SEVERITIES)[number];

/** What an anomaly is about: a merchant (cards), a shipment or a lot (food). */
export type SubjectKind = 'merchant' | 'shipment' | 'lot';

/** SPEC §10. `id` is `<rule>:<subject>`: stable per (rule, subject), the form the trace view uses for excursions. */
export interface Anomaly {
  id: string;
  rule: Rule;
  severity: Severity;
  subject: string;
  /** RFC 3339: when the anomaly first opened (it keeps this while it stays open). */
  since: string;
  detail: Record<string, unknown>;
  /** Ledger indexes of the entries that caused it, ascending. */
  entries: number[];
}

/**
 * The engine's key for a subject, `<kind>:<id>`: a shipment and a lot may share an
 * id string, so state keys carry the kind. The anomaly's `subject` is the bare id.
 */
export const subjectKey = (kind: SubjectKind, id: string): string => `${kind}:${id}`;
export const subjectOf = (key: string): { kind: SubjectKind; id: string } => {
  const i = key.indexOf(':');
  return { kind: key.slice(0, i) as SubjectKind, id: key.slice(i + 1) };
};

export const anomalyId = (rule: Rule, subject: string): string => `${rule}:${subject}`;

/** Read-only state: what query-time evaluation gets. */
export type Reader = Pick<State, 'get'>;

/** At most this many entry indexes are listed per anomaly: the first one and the latest others. */
export const MAX_ENTRIES = 32;

/** Sorted, distinct, and bounded to MAX_ENTRIES (keeping the first, which opened it, and the latest). */
export const boundEntries = (indexes: Iterable<number>): number[] => {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  return sorted.length <= MAX_ENTRIES ? sorted : [sorted[0], ...sorted.slice(sorted.length - MAX_ENTRIES + 1)];
};

export const iso = (ms: number): string => new Date(ms).toISOString();
