/**
 * The journey as a timeline: one item per timeline entry of the trace view, in
 * ledger order, each carrying `data-index` (its ledger index — SPEC §11: timeline
 * items and nothing else) and `data-leaf` (the leaf the browser must verify it
 * against). What an event says is put in words per event type; every value is
 * ledger data and goes through `html`.
 */
import type {
  LotDisposeBody,
  LotInspectBody,
  LotRecallBody,
  LotReceiveBody,
  LotSellBody,
  LotShipBody,
  LotTemperatureBody,
  LotTransformBody,
  LotCreateBody,
} from '../../../schemas/trace.js';
import { fmt, type Lang, type Messages } from '../browser/messages.js';
import { formatAmount, formatC, formatTime, roleName } from '../browser/format.js';
import { html, type Html } from '../html.js';
import type { TracePageData, TraceTimelineItem } from './data.js';

type Tone = 'ok' | 'warn' | 'bad' | 'info';

interface Described {
  title: string;
  tone: Tone;
  lines: string[];
}

const describe = (item: TraceTimelineItem, d: TracePageData, t: Messages, lang: Lang, unitOf: (lot: string) => string): Described => {
  const body = item.event.body as Record<string, unknown>;
  const amount = (n: number, lot = item.lot) => formatAmount(n, unitOf(lot), lang);
  switch (item.event.type) {
    case 'lot.create': {
      const b = body as LotCreateBody;
      return {
        title: t.ev_lot_create,
        tone: 'info',
        lines: [`${b.product.name} · ${formatAmount(b.quantity.amount, b.quantity.unit, lang)}`, b.origin.place],
      };
    }
    case 'lot.inspect': {
      const b = body as LotInspectBody;
      const passed = b.tests.filter((x) => x.pass).length;
      const failed = b.tests.filter((x) => !x.pass).map((x) => x.name);
      return {
        title: b.result === 'pass' ? t.ev_lot_inspect_pass : t.ev_lot_inspect_fail,
        tone: b.result === 'pass' ? 'ok' : 'bad',
        lines: [
          fmt(t.evInspect, { passed, total: b.tests.length }),
          ...(failed.length ? [fmt(t.heldFailed, { tests: failed.join('、') })] : []),
        ],
      };
    }
    case 'lot.ship': {
      const b = body as LotShipBody;
      const lines = [fmt(t.evShip, { amount: amount(b.amount, b.code), to: d.nameOf(b.to) })];
      if (b.carrier) lines.push(fmt(t.evCarrier, { carrier: d.nameOf(b.carrier) }));
      return { title: t.ev_lot_ship, tone: 'info', lines };
    }
    case 'lot.receive': {
      const b = body as LotReceiveBody;
      return { title: t.ev_lot_receive, tone: 'info', lines: [fmt(t.evReceive, { amount: amount(b.amount) })] };
    }
    case 'lot.temperature': {
      const b = body as LotTemperatureBody;
      const cs = b.readings.map((r) => r.c);
      return {
        title: t.ev_lot_temperature,
        tone: 'info',
        lines: [fmt(t.evTemperature, { n: cs.length, min: formatC(Math.min(...cs)), max: formatC(Math.max(...cs)) })],
      };
    }
    case 'lot.transform': {
      const b = body as LotTransformBody;
      return {
        title: t.ev_lot_transform,
        tone: 'info',
        lines: [
          fmt(t.evTransformIn, { inputs: b.inputs.map((i) => `${i.code} ${amount(i.amount, i.code)}`).join('，') }),
          fmt(t.evTransformOut, {
            outputs: b.outputs
              .map((o) => `${o.code} ${o.product.name} ${formatAmount(o.quantity.amount, o.quantity.unit, lang)}`)
              .join('，'),
          }),
        ],
      };
    }
    case 'lot.sell': {
      const b = body as LotSellBody;
      return { title: t.ev_lot_sell, tone: 'info', lines: [fmt(t.evAmount, { amount: amount(b.amount) })] };
    }
    case 'lot.recall': {
      const b = body as LotRecallBody;
      return { title: t.ev_lot_recall, tone: 'bad', lines: [t[`recallLevel_${b.level}`], fmt(t.evReason, { reason: b.reason })] };
    }
    case 'lot.dispose': {
      const b = body as LotDisposeBody;
      return { title: t.ev_lot_dispose, tone: 'warn', lines: [amount(b.amount), fmt(t.evReason, { reason: b.reason })] };
    }
    default:
      return { title: fmt(t.ev_other, { type: item.event.type }), tone: 'info', lines: [] };
  }
};

export const renderTimeline = (d: TracePageData, t: Messages, lang: Lang): Html => {
  const units = new Map<string, string>([[d.code, d.rest.quantity.unit]]);
  for (const item of d.rest.timeline) {
    const b = item.event.body as Partial<LotCreateBody & LotTransformBody>;
    if (item.event.type === 'lot.create' && b.code && b.quantity) units.set(b.code, b.quantity.unit);
    if (item.event.type === 'lot.transform') for (const o of b.outputs ?? []) units.set(o.code, o.quantity.unit);
  }
  const unitOf = (lot: string) => units.get(lot) ?? '';
  const items = d.rest.timeline.map((item) => {
    const x = describe(item, d, t, lang, unitOf);
    const compact = item.event.type === 'lot.temperature' ? ' compact' : '';
    return html`<li class="ev tone-${x.tone}${compact}" data-index="${item.index}" data-leaf="${item.leaf}">
<div class="ev-head"><strong>${x.title}</strong><time datetime="${item.at}">${formatTime(item.at)}</time></div>
<div class="ev-actor">${fmt(t.by, { name: item.actor.name, role: roleName(t, item.actor.role) })}</div>
${x.lines.length ? html`<ul class="ev-lines">${x.lines.map((l) => html`<li>${l}</li>`)}</ul>` : ''}
<div class="ev-meta">${item.lot !== d.code ? html`<span class="lot-tag">${fmt(t.sourceLot, { lot: item.lot })}</span>` : ''}<span class="idx">${fmt(t.ledgerIndex, { index: item.index })}</span></div>
</li>`;
  });
  return html`<ol class="timeline">${items}</ol>`;
};
