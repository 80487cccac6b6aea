/**
 * The cold chain as an inline SVG (no script, no inline styles: classes only, so
 * it renders under the pages' CSP). One step line per subject — a shipment, or a
 * lot for readings posted by code — because SPEC §10 says a reading lasts until
 * the next one; the allowed band of the lot's storage class (SPEC §10
 * temp-excursion, TEMP_LIMITS) shaded; the red limit dashed; readings above the
 * limit marked. Time runs in China Standard Time.
 */
import type { StorageClass } from '../../../schemas/trace.js';
import { TEMP_LIMITS } from '../../trace/index.js';
import { fmt, type Messages } from '../browser/messages.js';
import { formatC, formatClock, formatShort } from '../browser/format.js';
import { html, type Html } from '../html.js';

export interface ChartReading {
  subject: string;
  t: string;
  c: number;
}

const W = 400;
const H = 220;
const M = { left: 34, right: 8, top: 10, bottom: 24 };
/** Per subject; more are thinned to the hottest reading per bucket (an excursion never disappears). */
const MAX_POINTS = 400;

const thin = (points: Array<{ ms: number; c: number }>): Array<{ ms: number; c: number }> => {
  if (points.length <= MAX_POINTS) return points;
  const size = Math.ceil(points.length / MAX_POINTS);
  const out = [];
  for (let i = 0; i < points.length; i += size) {
    const bucket = points.slice(i, i + size);
    out.push({ ms: bucket[0].ms, c: extent(bucket.map((p) => p.c))[1] });
  }
  return out;
};

const niceStep = (span: number): number => [1, 2, 5, 10, 20, 50].find((s) => span / s <= 6) ?? 100;

const r1 = (x: number) => Math.round(x * 10) / 10;

/** Min and max without spreading (a view may hold many thousands of readings). */
const extent = (xs: readonly number[]): [number, number] => {
  let min = Infinity;
  let max = -Infinity;
  for (const v of xs) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
};

export const temperatureChart = (readings: readonly ChartReading[], storage: StorageClass, t: Messages): Html => {
  const points = readings.map((r) => ({ subject: r.subject, ms: Date.parse(r.t), c: r.c })).filter((p) => Number.isFinite(p.ms));
  if (points.length === 0) return html`<p class="muted">${t.noTemperature}</p>`;
  const limits = TEMP_LIMITS[storage];
  const [minC, maxC] = extent(points.map((p) => p.c));
  const lo = Math.floor(limits ? Math.min(minC, limits.aboveC - 4) - 1 : minC - 2);
  const hi = Math.ceil(limits ? Math.max(maxC, limits.redAboveC) + 1 : maxC + 2);
  const [t0, last] = extent(points.map((p) => p.ms));
  const t1 = Math.max(t0 + 3_600_000, last);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (ms: number) => r1(M.left + ((ms - t0) / (t1 - t0)) * pw);
  const y = (c: number) => r1(M.top + ((hi - c) / (hi - lo)) * ph);

  const step = niceStep(hi - lo);
  const yTicks: number[] = [];
  for (let c = Math.ceil(lo / step) * step; c <= hi; c += step) yTicks.push(c);
  const short = t1 - t0 > 20 * 3_600_000;
  const xTicks = [0, 1, 2, 3].map((i) => t0 + ((t1 - t0) * i) / 3);

  const subjects = [...new Set(points.map((p) => p.subject))];
  const series = subjects.map((s, i) => {
    const pts = thin(points.filter((p) => p.subject === s).sort((a, b) => a.ms - b.ms));
    let d = `M${x(pts[0].ms)} ${y(pts[0].c)}`;
    for (let k = 1; k < pts.length; k++) d += `H${x(pts[k].ms)}V${y(pts[k].c)}`;
    const hot = limits ? pts.filter((p) => p.c > limits.aboveC) : [];
    return html`<path class="series s${i % 4}" d="${d}"/>${hot.map((p) => html`<circle class="hot" cx="${x(p.ms)}" cy="${y(p.c)}" r="2.2"/>`)}`;
  });

  const band = limits
    ? html`<rect class="band" x="${M.left}" y="${y(limits.aboveC)}" width="${pw}" height="${r1(y(lo) - y(limits.aboveC))}"/>
<line class="limit" x1="${M.left}" x2="${W - M.right}" y1="${y(limits.aboveC)}" y2="${y(limits.aboveC)}"/>
<line class="redline" x1="${M.left}" x2="${W - M.right}" y1="${y(limits.redAboveC)}" y2="${y(limits.redAboveC)}"/>
<text class="band-label" x="${M.left + 4}" y="${y(limits.aboveC) + 12}">${fmt(t.band, { limit: limits.aboveC })}</text>
<text class="red-label" x="${W - M.right - 4}" y="${y(limits.redAboveC) - 4}" text-anchor="end">${fmt(t.redLine, { limit: limits.redAboveC })}</text>`
    : '';

  const svg = html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${t.temperature}">
<title>${t.temperature}</title>
${band}
<g class="grid">${yTicks.map((c) => html`<line x1="${M.left}" x2="${W - M.right}" y1="${y(c)}" y2="${y(c)}"/>`)}</g>
<g class="axis">${yTicks.map((c) => html`<text x="${M.left - 4}" y="${y(c) + 3.5}" text-anchor="end">${c}°</text>`)}
${xTicks.map((ms, i) => html`<text x="${x(ms)}" y="${H - 8}" text-anchor="${i === 0 ? 'start' : i === 3 ? 'end' : 'middle'}">${short ? formatShort(ms) : formatClock(ms)}</text>`)}</g>
${series}
</svg>`;
  const legend = html`<ul class="legend">${subjects.map((s, i) => html`<li><span class="swatch s${i % 4}" aria-hidden="true"></span>${s}</li>`)}</ul>`;
  const summary = html`<p class="muted">${fmt(t.tempRange, { min: formatC(minC), max: formatC(maxC), n: points.length })}</p>`;
  return html`<figure class="chart-box">${svg}<figcaption>${legend}${summary}</figcaption></figure>`;
};
