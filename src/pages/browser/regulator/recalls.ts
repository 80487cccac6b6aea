/**
 * Recall follow-through on the dashboard (GET /v1/regulator/recalls, SPEC §15):
 * each recent recall with its deadline and, as an inline SVG, what is still
 * held or in transit over time against that deadline — one step line per unit,
 * as a share of what was out when the recall was ordered. An overdue recall
 * (past its deadline with anything left) is marked red (`data-overdue="true"`).
 * Built with the DOM builder (classes only, no inline style or script): it
 * renders under the pages' CSP.
 */
import { fill, h, type Child } from '../dom.js';
import { formatNumber, formatTime } from '../format.js';
import { fmt, lookup, type Messages } from '../messages.js';
import { failureCode } from '../session.js';
import type { RecallProgressView } from '../../../../schemas/trace.js';
import { errorLine, type Dash } from './shared.js';

type Recall = RecallProgressView['recalls'][number];

const W = 400;
const H = 160;
const M = { left: 34, right: 8, top: 10, bottom: 20 };

/** The progress chart of one recall at the browser's `nowMs`. */
export const recallChart = (r: Recall, nowMs: number, t: Messages): Element => {
  const start = Date.parse(r.at);
  const deadline = Date.parse(r.deadline);
  const lastPoint = Date.parse(r.series[r.series.length - 1]?.at ?? r.at);
  const end = Math.max(deadline, lastPoint, Math.min(nowMs, deadline + (deadline - start))) || start + 1;
  const x = (ms: number) => M.left + ((ms - start) / (end - start || 1)) * (W - M.left - M.right);
  const y = (share: number) => M.top + (1 - share) * (H - M.top - M.bottom);
  const units = Object.keys(r.series[0]?.remaining ?? {});
  const lines = units.map((unit, i) => {
    const first = r.series[0].remaining[unit] || 1;
    let d = '';
    for (const p of r.series) {
      const px = x(Date.parse(p.at));
      const py = y((p.remaining[unit] ?? 0) / first);
      d += d ? ` H${px.toFixed(1)} V${py.toFixed(1)}` : `M${px.toFixed(1)} ${py.toFixed(1)}`;
    }
    d += ` H${x(Math.min(Math.max(nowMs, lastPoint), end)).toFixed(1)}`;
    return h('path', { class: `series s${i % 2}`, d }, h('title', {}, unit));
  });
  const ticks = [0, 0.5, 1].map((s) =>
    h(
      'g',
      { class: 'grid' },
      h('line', { x1: M.left, x2: W - M.right, y1: y(s), y2: y(s) }),
      h('text', { x: 2, y: y(s) + 3 }, `${s * 100}%`),
    ),
  );
  return h(
    'svg',
    { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': fmt(t.regRecallChart, { lot: r.lot }) },
    ticks,
    h('line', { class: 'redline', x1: x(deadline), x2: x(deadline), y1: M.top, y2: H - M.bottom }),
    h('text', { class: 'red-label', x: Math.min(x(deadline) + 2, W - 60), y: M.top + 8 }, t.regRecallDeadline),
    lines,
  );
};

const remainingText = (r: Recall): string =>
  Object.entries(r.remaining)
    .map(([unit, n]) => `${formatNumber(n)} ${unit}`)
    .join(' · ');

export const loadRecalls = async (d: Dash, box: HTMLElement): Promise<void> => {
  const { t } = d;
  fill(box, h('p', { class: 'muted' }, t.regLoading));
  try {
    const { body } = await d.session.get<RecallProgressView>('/v1/regulator/recalls?limit=10');
    if (!body.recalls.length) return fill(box, h('p', { class: 'muted' }, t.regRecallsNone));
    const now = Date.now();
    fill(
      box,
      body.recalls.map((r): Child =>
        h(
          'div',
          { class: 'recall-progress', 'data-recall-lot': r.lot, 'data-overdue': String(r.overdue) },
          h(
            'p',
            {},
            h('strong', {}, r.lot),
            ` · ${lookup(t, `recallLevel_${r.level}`, String(r.level))} · `,
            h(
              'span',
              { class: r.overdue ? 'pill pill-bad' : 'pill pill-ok' },
              r.overdue ? t.regRecallOverdue : Object.values(r.remaining).some((n) => n > 0) ? t.regRecallUnderWay : t.regRecallDone,
            ),
          ),
          h(
            'p',
            { class: 'small' },
            fmt(t.regRecallDates, { at: formatTime(r.at), deadline: formatTime(r.deadline), remaining: remainingText(r) }),
          ),
          h('figure', { class: 'chart-box' }, recallChart(r, now, t)),
        ),
      ),
    );
  } catch (e) {
    fill(box, errorLine(fmt(t.regError, { code: failureCode(e) })));
  }
};
