/**
 * The regulators' listing of open anomalies (SPEC §8, §10): newest first by
 * `since`, filtered by rule, subject, severity and since, in pages. A page is
 * one bounded reverse scan of the index that fits the filter (store.ts), merged
 * with the few timed anomalies that changed since the latest entry (current.ts).
 *
 * Paging: `cursor` is the sort key of the last anomaly of the previous page,
 * base64url-encoded; the next page starts strictly after it in listing order,
 * so anomalies that open meanwhile (newer) never shift a page.
 */
import { dueOverlay } from './current.js';
import { getOpen, indexPrefix, parseSortKey, sortKey } from './store.js';
import { RULES, type Anomaly, type Rule, type Severity } from './types.js';

export interface AnomalyQuery {
  rule?: Rule;
  severity?: Severity;
  subject?: string;
  /** RFC 3339: only anomalies with since ≥ this. */
  since?: string;
  limit: number;
  /** From a previous page's `next`. */
  cursor?: string;
}

export interface AnomalySource {
  get<T = unknown>(key: string): T | undefined;
  scan<T = unknown>(
    prefix: string,
    options?: { gt?: string; lt?: string; reverse?: boolean; limit?: number },
  ): AsyncGenerator<{ key: string; value: T }>;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export const encodeCursor = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');

/** The sort key a cursor names, or undefined when it is not one this service made. */
export const decodeCursor = (cursor: string): string | undefined => {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  const { since, rule, subjectKey } = parseSortKey(key);
  return ISO.test(since) &&
    (RULES as readonly string[]).includes(rule) &&
    /^(merchant|shipment|lot):./.test(subjectKey) &&
    key.split('/').length === 3
    ? key
    : undefined;
};

const matches = (a: Anomaly, q: AnomalyQuery): boolean =>
  (q.rule === undefined || a.rule === q.rule) &&
  (q.severity === undefined || a.severity === q.severity) &&
  (q.subject === undefined || a.subject === q.subject);

export interface AnomalyPage {
  anomalies: Anomaly[];
  /** Cursor of the next page, or undefined when this is the last. */
  next?: string;
}

export const listAnomalies = async (src: AnomalySource, q: AnomalyQuery, nowMs: number): Promise<AnomalyPage> => {
  const below = q.cursor; // exclusive upper bound, in sort-key order
  const above = q.since; // since ≥ q.since ⟺ sort key > q.since (the key continues with "/")
  const inRange = (k: string) => (below === undefined || k < below) && (above === undefined || k > above);

  const overlay = dueOverlay(src, nowMs);
  const extra: Array<{ key: string; anomaly: Anomaly }> = [];
  for (const [ref, a] of overlay) {
    if (!a || !matches(a, q)) continue;
    const key = sortKey(a.since, a.rule, ref.slice(ref.indexOf('/') + 1));
    if (inRange(key)) extra.push({ key, anomaly: a });
  }
  extra.sort((x, y) => (x.key < y.key ? 1 : -1));

  const out: Array<{ key: string; anomaly: Anomaly }> = [];
  const want = q.limit + 1;
  const prefix = indexPrefix(q);
  let e = 0;
  // Every row of a rule/severity index either matches or is superseded by the overlay, so a page
  // needs at most want + overlay rows; the subject index (a few rows) may also skip on rule and severity.
  const limit = q.subject === undefined ? want + overlay.size : undefined;
  const range = {
    reverse: true,
    ...(below !== undefined && { lt: below }),
    ...(above !== undefined && { gt: above }),
    ...(limit && { limit }),
  };
  for await (const { key: full } of src.scan(prefix, range)) {
    const key = full.slice(prefix.length);
    while (e < extra.length && extra[e].key > key && out.length < want) out.push(extra[e++]);
    if (out.length >= want) break;
    const { rule, subjectKey } = parseSortKey(key);
    if (overlay.has(`${rule}/${subjectKey}`)) continue;
    const a = getOpen(src, rule, subjectKey);
    if (!a || !matches(a, q)) continue;
    out.push({ key, anomaly: a });
    if (out.length >= want) break;
  }
  while (e < extra.length && out.length < want) out.push(extra[e++]);

  const page = out.slice(0, q.limit);
  return { anomalies: page.map((x) => x.anomaly), ...(out.length > q.limit && { next: encodeCursor(page[page.length - 1].key) }) };
};
