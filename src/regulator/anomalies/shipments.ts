/**
 * Shipments (SPEC §10):
 *
 *   short-receipt     received < shipped by > 2 % → yellow, by > 5 % → red; decided
 *                     by the lot.receive (a shipment is received once), so it stays
 *   in-transit-stale  not received 72 h after shipping → yellow (from exactly 72 h);
 *                     a timed rule over the trace plug-in's shipment record, closed
 *                     by the receipt
 */
import type { EventContext, State } from '../../domain/plugin.js';
import { getLot, getShipment, type ShipmentRecord } from '../../trace/index.js';
import { setOpen } from './store.js';
import type { TimedRule } from './timed.js';
import { HOUR } from './time.js';
import { anomalyId, subjectKey } from './types.js';

export const STALE_MS = 72 * HOUR;

/** Lot amounts have at most 6 decimals (schemas/trace.ts): in micro-units they are exact integers. */
const micro = (x: number): bigint => BigInt(Math.round(x * 1e6));

/** The severity of receiving `received` of `shipped`, exactly: short × 100 > 5 × shipped is red, > 2 × shipped yellow. */
export const shortSeverity = (shipped: number, received: number): 'yellow' | 'red' | undefined => {
  const short = (micro(shipped) - micro(received)) * 100n;
  if (short > 5n * micro(shipped)) return 'red';
  if (short > 2n * micro(shipped)) return 'yellow';
  return undefined;
};

export const observeReceipt = (state: State, shipmentId: string, ctx: Pick<EventContext, 'at'>): void => {
  const s = getShipment(state, shipmentId);
  if (!s?.received) return;
  const severity = shortSeverity(s.amount, s.received.amount);
  if (!severity) return;
  const unit = getLot(state, s.lot)?.quantity.unit;
  setOpen(state, 'short-receipt', subjectKey('shipment', s.shipment), {
    id: anomalyId('short-receipt', s.shipment),
    rule: 'short-receipt',
    severity,
    subject: s.shipment,
    since: ctx.at,
    detail: {
      lot: s.lot,
      shipped: s.amount,
      received: s.received.amount,
      unit,
      shortPercent: Math.round(((s.amount - s.received.amount) / s.amount) * 10_000) / 100,
    },
    entries: [s.index, s.received.index],
  });
};

export const inTransitStale: TimedRule<ShipmentRecord> = {
  rule: 'in-transit-stale',
  kind: 'shipment',
  facts: (state, id) => getShipment(state, id),
  lastAt: (s) => Date.parse(s.received?.at ?? s.at),
  at: (s, t) =>
    !s.received && t - Date.parse(s.at) >= STALE_MS
      ? {
          severity: 'yellow',
          detail: {
            lot: s.lot,
            from: s.from,
            to: s.to,
            ...(s.carrier !== undefined && { carrier: s.carrier }),
            amount: s.amount,
            shippedAt: s.at,
          },
          entries: [s.index],
        }
      : undefined,
  changes(s, after, until) {
    const due = Date.parse(s.at) + STALE_MS;
    return !s.received && due > after && due <= until ? [due] : [];
  },
  nextChange(s, t) {
    const due = Date.parse(s.at) + STALE_MS;
    return !s.received && due > t ? due : undefined;
  },
};
