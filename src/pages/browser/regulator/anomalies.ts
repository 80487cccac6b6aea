/**
 * Open anomalies by severity (SPEC §10): red first, then yellow, each newest
 * first as the API lists them (GET /v1/regulator/anomalies?severity=…, following
 * `next`). Each row carries `data-rule`, `data-severity` and `data-subject`
 * (SPEC §11), links its subject's public page where it has one, and links every
 * entry behind it into the entry viewer.
 */
import { h, fill, type Child } from '../dom.js';
import { formatTime, ruleName } from '../format.js';
import { fmt } from '../messages.js';
import { failureCode } from '../session.js';
import { entryLink, errorLine, table, type Anomaly, type Dash } from './shared.js';

/** Enough for a dashboard; the API pages further. */
const MAX_PAGES = 5;
const MERCHANT_RULES = new Set(['custody-short', 'sales-spike', 'complaint-surge', 'complaint-overdue', 'refund-overdue', 'holder-rekey']);
const LOT_RULES = new Set(['yield', 'failed-descendant', 'closed-season', 'recall-overdue']);

const list = async (d: Dash, severity: 'red' | 'yellow'): Promise<Anomaly[]> => {
  const out: Anomaly[] = [];
  let next: string | null = `/v1/regulator/anomalies?severity=${severity}&limit=100`;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const { body }: { body: { anomalies: Anomaly[]; next: string | null } } = await d.session.get(next);
    out.push(...body.anomalies.filter((a) => a.severity === severity));
    next = body.next;
  }
  return out;
};

const subject = (d: Dash, a: Anomaly): Child => {
  const lang = d.lang === 'en' ? '?lang=en' : '';
  if (MERCHANT_RULES.has(a.rule)) return h('a', { href: `/m/${encodeURIComponent(a.subject)}${lang}` }, a.subject);
  if (LOT_RULES.has(a.rule)) return h('a', { href: `/trace/${encodeURIComponent(a.subject)}${lang}` }, a.subject);
  return h('span', { class: 'mono' }, a.subject);
};

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The detail object as `key: value` pairs; times in China Standard Time. */
const detail = (a: Anomaly): string =>
  Object.entries(a.detail ?? {})
    .map(
      ([k, v]) => `${k}: ${typeof v === 'string' && ISO.test(v) ? formatTime(v) : typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
    )
    .join(' · ');

export const loadAnomalies = async (d: Dash, counts: HTMLElement, box: HTMLElement): Promise<void> => {
  const { t } = d;
  try {
    const [red, yellow] = await Promise.all([list(d, 'red'), list(d, 'yellow')]);
    fill(
      counts,
      h('span', { class: 'pill pill-bad' }, red.length),
      ' ',
      h('span', { class: 'pill pill-warn' }, yellow.length),
      ' ',
      fmt(t.regAnomalyCounts, { red: red.length, yellow: yellow.length }),
    );
    const rows = [...red, ...yellow];
    if (rows.length === 0) return fill(box, h('p', { class: 'muted' }, t.regNoAnomalies));
    fill(
      box,
      table<Anomaly>(
        [
          {
            label: t.regRule,
            cell: (a) => [
              h('span', { class: `dot sev-${a.severity}`, 'aria-label': t[`severity_${a.severity}`] }),
              ' ',
              ruleName(t, a.rule),
            ],
          },
          { label: t.regSubject, cell: (a) => subject(d, a) },
          { label: t.regSince, cell: (a) => formatTime(a.since) },
          { label: t.regDetail, cell: (a) => h('span', { class: 'small' }, detail(a)), className: 'detail' },
          { label: t.regEntries, cell: (a) => (a.entries ?? []).slice(0, 12).flatMap((i) => [entryLink(i), ' ']) },
        ],
        rows,
        (a) => ({ 'data-rule': a.rule, 'data-severity': a.severity, 'data-subject': a.subject, class: `sev-row sev-${a.severity}` }),
      ),
    );
  } catch (e) {
    fill(counts, '');
    fill(box, errorLine(fmt(t.regAnomaliesUnavailable, { code: failureCode(e) })));
  }
};
