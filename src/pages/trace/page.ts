/**
 * /trace/{code}: the page a QR code on a package opens (SPEC §11). Product and
 * origin, one status banner (`data-status`), one verification badge
 * (`data-verify`, pending until the browser has checked the view itself —
 * browser/trace-page.ts), the journey, inspections, the cold chain and the
 * lineage. The operator key and origin are pinned in the page's <meta>.
 */
import type { Anchor } from '../browser/verify-trace.js';
import { fmt, lookup, type Messages } from '../browser/messages.js';
import { formatAmount, formatNumber, formatTime } from '../browser/format.js';
import type { PageContext } from '../context.js';
import { html, seg, type Html } from '../html.js';
import { renderPage } from '../layout.js';
import type { LineageNode } from '../../trace/index.js';
import type { TracePageData } from './data.js';
import { temperatureChart } from './temperature-chart.js';
import { renderTimeline } from './timeline.js';
import { volumeChart } from './volume-chart.js';
import { recallDeadline } from '../../trace/index.js';

const BAD = new Set(['recalled', 'held']);

const banner = (d: TracePageData, t: Messages): Html => {
  const lines: Html[] = [];
  if (d.status === 'recalled' && d.recall) {
    lines.push(html`<p><strong>${t[`recallLevel_${d.recall.level}`]}</strong> · ${fmt(t.evReason, { reason: d.recall.reason })}</p>`);
    lines.push(
      html`<p class="small" data-recall-deadline="${recallDeadline(d.recall)}">
        ${fmt(t.recallDates, {
          at: formatTime(d.recall.at),
          deadline: formatTime(recallDeadline(d.recall)),
        })}
      </p>`,
    );
    if (d.recall.lot !== d.code) lines.push(html`<p>${fmt(t.recallFrom, { lot: d.recall.lot })}</p>`);
    lines.push(html`<p>${t.recallAdvice}</p>`);
  } else if (d.status === 'held' && d.heldBy) {
    const failed = d.heldBy.tests.filter((x) => !x.pass).map((x) => x.name);
    lines.push(html`<p>${fmt(t.heldFailed, { tests: failed.join('、') || t.none })}</p>`);
    if (d.heldBy.report) lines.push(html`<p>${d.heldBy.report}</p>`);
  }
  const tone = BAD.has(d.status) ? 'bad' : d.status === 'expired' ? 'warn' : 'ok';
  return html`<section class="banner banner-${tone}" data-status="${d.status}" role="status">
<strong class="banner-title">${t[`status_${d.status}`]}</strong>${lines}
</section>`;
};

const badge = (
  d: TracePageData,
  t: Messages,
): Html => html`<section class="verify" data-verify="pending" data-code="${d.code}" aria-live="polite">
<p class="verify-line"><span class="verify-icon" aria-hidden="true"></span><span class="verify-text">${t.verifyPending}</span></p>
<ul class="verify-problems" hidden></ul>
<p class="verify-what small">${t.verifyWhat}</p>
</section>`;

const facts = (d: TracePageData, ctx: PageContext): Html => {
  const { t, lang } = ctx;
  const origins = d.origins.map(
    (o) =>
      html`<li><strong>${o.place}</strong>${o.method ? html` · ${t[`method_${o.method}`]}` : ''}${o.zone ? html` · ${t.zone} ${lookup(t, `zone_${o.zone.replace(/-/g, '_')}`, o.zone)}` : ''}${
        o.lat !== undefined && o.lon !== undefined
          ? html` · <span class="small">${formatNumber(o.lat)}°N ${formatNumber(o.lon)}°E</span>`
          : ''
      }${o.harvestedAt ? html`<br><span class="small">${t.harvestedAt} ${formatTime(o.harvestedAt)}</span>` : ''}${
        o.lot !== d.code
          ? html`<br><a class="small" href="${ctx.link(`/trace/${seg(o.lot)}`)}">${fmt(t.sourceLot, { lot: o.lot })}</a>`
          : ''
      }</li>`,
  );
  return html`<dl class="facts">
<div><dt>${t.traceCode}</dt><dd class="mono">${d.code}</dd></div>
<div><dt>${t.quantity}</dt><dd>${formatAmount(d.rest.quantity.amount, d.rest.quantity.unit, lang)}</dd></div>
<div><dt>${t.storage}</dt><dd>${t[`storage_${d.storage}`]}</dd></div>
${d.expiresAt ? html`<div><dt>${t.expiresAt}</dt><dd>${formatTime(d.expiresAt)}</dd></div>` : ''}
<div class="wide"><dt>${t.origin}</dt><dd><ul class="plain">${origins}</ul></dd></div>
</dl>`;
};

const inspections = (d: TracePageData, t: Messages): Html => {
  if (d.rest.inspections.length === 0) return html`<p class="muted">${t.noInspections}</p>`;
  const byIndex = new Map(d.rest.timeline.map((e) => [e.index, e]));
  return html`${d.rest.inspections.map((i) => {
    const e = byIndex.get(i.index);
    const report = (e?.event.body as { report?: unknown } | undefined)?.report;
    return html`<div class="inspection">
<p class="inspection-head"><span class="pill ${i.result === 'pass' ? 'pill-ok' : 'pill-bad'}">${i.result === 'pass' ? t.pass : t.fail}</span> <strong>${i.lot}</strong>${
      e ? html` · ${e.actor.name} · <time datetime="${e.at}">${formatTime(e.at)}</time>` : ''
    }</p>${typeof report === 'string' ? html`<p class="small muted">${report}</p>` : ''}
<table class="tests"><thead><tr><th>${t.testName}</th><th>${t.testValue}</th><th>${t.testLimit}</th><th>${t.testResult}</th></tr></thead><tbody>${i.tests.map(
      (x) =>
        html`<tr class="${x.pass ? '' : 'bad'}"><td>${x.name}</td><td>${x.value !== undefined ? formatNumber(x.value) : '—'}${x.unit ? html` ${x.unit}` : ''}</td><td>${
          x.limit !== undefined ? formatNumber(x.limit) : '—'
        }</td><td>${x.pass ? t.pass : t.fail}</td></tr>`,
    )}</tbody></table>
</div>`;
  })}`;
};

const excursions = (d: TracePageData, t: Messages): Html =>
  html`${d.rest.temperature.excursions.map(
    (x) =>
      html`<p class="excursion sev-${x.severity}"><span class="pill ${x.severity === 'red' ? 'pill-bad' : 'pill-warn'}">${t[`severity_${x.severity}`]}</span> ${fmt(
        t.excursion,
        {
          subject: x.subject,
          limit: x.detail.limitC,
          minutes: Math.round(x.detail.minutesAbove),
          max: x.detail.maxC,
        },
      )}</p>`,
  )}`;

const lineage = (d: TracePageData, ctx: PageContext): Html => {
  const { t } = ctx;
  const tree = (nodes: LineageNode[]): Html =>
    html`<ul class="tree">${nodes.map((n) => html`<li><a href="${ctx.link(`/trace/${seg(n.code)}`)}">${n.code}</a>${n.inputs.length ? tree(n.inputs) : ''}</li>`)}</ul>`;
  const inputs = d.rest.lineage.inputs;
  const outputs = d.rest.lineage.outputs;
  return html`<div class="lineage">
<h3>${t.lineageInputs}</h3>${inputs.length ? tree(inputs) : html`<p class="muted">${t.lineageRoot}</p>`}
<h3>${t.lineageOutputs}</h3>${
    outputs.length
      ? html`<ul class="tree">${outputs.map((c) => html`<li><a href="${ctx.link(`/trace/${seg(c)}`)}">${c}</a></li>`)}</ul>`
      : html`<p class="muted">${t.lineageNone}</p>`
  }
</div>`;
};

export const renderTracePage = (ctx: PageContext, d: TracePageData, anchor: Anchor): string => {
  const { t, lang } = ctx;
  const readings = d.rest.temperature.readings.map((r) => ({ subject: r.shipment ?? r.lot, t: r.t, c: r.c }));
  const body = html`<article class="trace">
<header class="product">
<p class="eyebrow">${t.traceTitle}</p>
<h1>${d.product.name}</h1>
</header>
${banner(d, t)}
${badge(d, t)}
<section class="card">${facts(d, ctx)}</section>
<section class="card"><h2>${t.journey}</h2>${renderTimeline(d, t, lang)}</section>
<section class="card"><h2>${t.inspections}</h2>${inspections(d, t)}</section>
<section class="card"><h2>${t.temperature}</h2>${temperatureChart(readings, d.storage, t)}${excursions(d, t)}</section>
<section class="card"><h2>${t.volumes}</h2>${volumeChart(d.code, d.rest.timeline, d.rest.quantity.unit, t, lang)}</section>
<section class="card"><h2>${t.lineage}</h2>${lineage(d, ctx)}</section>
<p class="small"><a href="/v1/trace/${seg(d.code)}">${t.rawData}</a></p>
</article>`;
  return renderPage(ctx, { title: `${d.product.name} · ${t.traceTitle}`, body, script: 'trace-page', anchor });
};

export const renderTraceNotFound = (ctx: PageContext, code: string): string => {
  const { t } = ctx;
  const body = html`<article class="card notfound"><h1>${fmt(t.traceNotFound, { code })}</h1><p>${t.traceNotFoundHint}</p></article>`;
  return renderPage(ctx, { title: t.traceTitle, body });
};
