/**
 * Where open anomalies live in domain state, and the indexes that list them
 * newest first without scanning the log. Every anomaly that is open is
 *
 *   anomaly/open/<rule>/<subjectKey>            the Anomaly record
 *
 * and appears, under one sort key `<since>/<rule>/<subjectKey>`, in each index:
 *
 *   anomaly/ix/all/<sort key>                   every open anomaly
 *   anomaly/ix/rule/<rule>/<sort key>           by rule
 *   anomaly/ix/sev/<severity>/<sort key>        by severity
 *   anomaly/ix/rule-sev/<rule>/<severity>/…     by rule and severity
 *   anomaly/ix/subject/<subject id>/<sort key>  by subject (a handful per subject)
 *
 * `since` is fixed-width RFC 3339, so key order is time order; a reverse range
 * scan of one index gives a page of a filtered listing. Ids never contain "/",
 * so no prefix can run into another. Index values are 1: the record is read
 * from its open key (the sort key names it).
 */
import type { State } from '../../domain/plugin.js';
import { subjectOf, type Anomaly, type Reader, type Rule, type Severity } from './types.js';

export const OPEN_PREFIX = 'anomaly/open/';
export const openKey = (rule: Rule, subjectKey: string): string => `${OPEN_PREFIX}${rule}/${subjectKey}`;

export const getOpen = (state: Reader, rule: Rule, subjectKey: string): Anomaly | undefined =>
  state.get<Anomaly>(openKey(rule, subjectKey));

/** The order of listings: by since, then rule, then subject (all ascending; listings reverse it). */
export const sortKey = (since: string, rule: Rule, subjectKey: string): string => `${since}/${rule}/${subjectKey}`;

/** The rule and subject key a sort key names. */
export const parseSortKey = (key: string): { since: string; rule: Rule; subjectKey: string } => {
  const a = key.indexOf('/');
  const b = key.indexOf('/', a + 1);
  return { since: key.slice(0, a), rule: key.slice(a + 1, b) as Rule, subjectKey: key.slice(b + 1) };
};

export interface IndexFilter {
  rule?: Rule;
  severity?: Severity;
  subject?: string;
}

/**
 * The index prefix that answers a filter with the fewest rows to skip: the
 * subject index when a subject is given (the other filters are then applied to
 * its few rows), else the exact rule/severity combination.
 */
export const indexPrefix = (f: IndexFilter): string => {
  if (f.subject !== undefined) return `anomaly/ix/subject/${f.subject}/`;
  if (f.rule && f.severity) return `anomaly/ix/rule-sev/${f.rule}/${f.severity}/`;
  if (f.rule) return `anomaly/ix/rule/${f.rule}/`;
  if (f.severity) return `anomaly/ix/sev/${f.severity}/`;
  return 'anomaly/ix/all/';
};

/** Every index key of an open anomaly. */
const indexKeys = (a: Pick<Anomaly, 'rule' | 'severity' | 'since'>, subjectKey: string): string[] => {
  const s = sortKey(a.since, a.rule, subjectKey);
  const subject = subjectOf(subjectKey).id;
  return [
    indexPrefix({}) + s,
    indexPrefix({ rule: a.rule }) + s,
    indexPrefix({ severity: a.severity }) + s,
    indexPrefix({ rule: a.rule, severity: a.severity }) + s,
    indexPrefix({ subject }) + s,
  ];
};

/**
 * Makes `next` the open anomaly of (rule, subject), or closes it when `next` is
 * undefined. Only keys that change are written: a detail update rewrites the
 * record; a severity or since change also moves its index rows.
 */
export const setOpen = (state: State, rule: Rule, subjectKey: string, next: Anomaly | undefined): void => {
  const key = openKey(rule, subjectKey);
  const prev = state.get<Anomaly>(key);
  if (!prev && !next) return;
  if (prev && next && JSON.stringify(prev) === JSON.stringify(next)) return;
  const before = prev ? indexKeys(prev, subjectKey) : [];
  const after = next ? indexKeys(next, subjectKey) : [];
  const keep = new Set(after.filter((k) => before.includes(k)));
  for (const k of before) if (!keep.has(k)) state.del(k);
  for (const k of after) if (!keep.has(k)) state.put(k, 1);
  if (next) state.put(key, next);
  else state.del(key);
};
