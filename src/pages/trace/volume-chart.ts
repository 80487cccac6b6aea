/**
 * The lot's volumes through the chain (SPEC §15, trace page) as an inline SVG,
 * rendered like the cold-chain chart (no script, no inline styles: classes
 * only, under the pages' CSP): one horizontal bar per stage — created,
 * shipped, received, used in processing, sold, disposed — summing the amounts
 * the lot's own events carry, scaled to the largest. Stages no event reached
 * are left out, except `created`. Pure: from the trace view's timeline.
 */
import type { LotCreateBody, LotDisposeBody, LotReceiveBody, LotSellBody, LotShipBody, LotTransformBody } from '../../../schemas/trace.js';
import { type Lang, type Messages } from '../browser/messages.js';
import { formatAmount } from '../browser/format.js';
import { html, type Html } from '../html.js';
import type { TraceTimelineItem } from './data.js';

export const VOLUME_STAGES = ['created', 'shipped', 'received', 'processed', 'sold', 'disposed'] as const;
export type VolumeStage = (typeof VOLUME_STAGES)[number];

/** Micro-units keep the sums exact (amounts have at most 6 decimals). */
const micro = (x: number) => Math.round(x * 1e6);

/** The amounts of lot `code` per stage, from the events of the timeline about it (each entry once). */
export const lotVolumes = (code: string, timeline: readonly TraceTimelineItem[]): Record<VolumeStage, number> => {
  const sum: Record<VolumeStage, number> = { created: 0, shipped: 0, received: 0, processed: 0, sold: 0, disposed: 0 };
  const seen = new Set<number>();
  for (const item of timeline) {
    if (seen.has(item.index)) continue;
    seen.add(item.index);
    const body = item.event.body as Record<string, unknown>;
    switch (item.event.type) {
      case 'lot.create':
        if ((body as LotCreateBody).code === code) sum.created += micro((body as LotCreateBody).quantity.amount);
        break;
      case 'lot.transform': {
        const b = body as LotTransformBody;
        for (const o of b.outputs) if (o.code === code) sum.created += micro(o.quantity.amount);
        for (const i of b.inputs) if (i.code === code) sum.processed += micro(i.amount);
        break;
      }
      case 'lot.ship':
        if ((body as LotShipBody).code === code) sum.shipped += micro((body as LotShipBody).amount);
        break;
      case 'lot.receive':
        // A receipt names its shipment, not its lot: the timeline lists it under the shipment's lot.
        if (item.lot === code) sum.received += micro((body as LotReceiveBody).amount);
        break;
      case 'lot.sell':
        if ((body as LotSellBody).code === code) sum.sold += micro((body as LotSellBody).amount);
        break;
      case 'lot.dispose':
        if ((body as LotDisposeBody).code === code) sum.disposed += micro((body as LotDisposeBody).amount);
        break;
    }
  }
  for (const k of VOLUME_STAGES) sum[k] /= 1e6;
  return sum;
};

const W = 400;
const ROW = 30;
const M = { left: 86, right: 96, top: 6, bottom: 6 };
const r1 = (x: number) => Math.round(x * 10) / 10;

export const volumeChart = (code: string, timeline: readonly TraceTimelineItem[], unit: string, t: Messages, lang: Lang): Html => {
  const volumes = lotVolumes(code, timeline);
  const rows = VOLUME_STAGES.filter((s) => s === 'created' || volumes[s] > 0);
  const max = Math.max(...rows.map((s) => volumes[s]));
  if (!(max > 0)) return html`<p class="muted">${t.noVolumes}</p>`;
  const H = M.top + M.bottom + rows.length * ROW;
  const pw = W - M.left - M.right;
  const bars = rows.map((s, i) => {
    const y = M.top + i * ROW;
    const w = r1((volumes[s] / max) * pw);
    return html`<g class="vol" data-stage="${s}" data-amount="${volumes[s]}">
<text class="vol-label" x="${M.left - 6}" y="${y + 19}" text-anchor="end">${t[`vol_${s}`]}</text>
<rect class="bar bar-${s}" x="${M.left}" y="${y + 5}" width="${Math.max(w, 1)}" height="${ROW - 10}"/>
<text class="vol-amount" x="${r1(M.left + w + 6)}" y="${y + 19}">${formatAmount(volumes[s], unit, lang)}</text>
</g>`;
  });
  const svg = html`<svg class="chart volumes" viewBox="0 0 ${W} ${H}" role="img" aria-label="${t.volumes}">
<title>${t.volumes}</title>
${bars}
</svg>`;
  return html`<figure class="chart-box">${svg}<figcaption class="muted small">${t.volumesNote}</figcaption></figure>`;
};
