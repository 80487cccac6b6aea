/**
 * lot.temperature (SPEC §7): 1–1000 readings for a shipment or a lot. Posted by
 * the shipment's carrier (the sender, when it carries the shipment itself), or
 * by an actor currently holding some of the lot; anyone else is `forbidden`.
 * Readings may be in the past (a logger uploaded after delivery, even after
 * receipt) but at most FUTURE_LIMIT_MS ahead of the entry time. The readings
 * themselves stay in the entry; the lot's entry list is what finds them. A lot
 * holds at most MAX_LOT_READINGS readings (`readings_exceeded` beyond).
 */
import { lotTemperature, type LotTemperatureBody } from '../../../schemas/trace.js';
import type { EventType } from '../../domain/plugin.js';
import { ApiError } from '../../errors.js';
import { amountIn, getShipment, logEntry, putLot } from '../state.js';
import { FUTURE_LIMIT_MS } from './create.js';
import { requireLot } from './guards.js';

/**
 * Readings one lot may accumulate (its own and its shipments'): one a minute for
 * two weeks. Every reading of a lot and its ancestors is in its trace view, so
 * the bound keeps a view (and the page a QR code opens) a bounded size.
 */
export const MAX_LOT_READINGS = 20_160;

export const lotTemperatureEvent: EventType<LotTemperatureBody> = {
  type: 'lot.temperature',
  body: lotTemperature,
  roles: 'any',
  apply(state, { actor, body }, ctx) {
    let lot;
    if (body.shipment !== undefined) {
      const shipment = getShipment(state, body.shipment);
      if (!shipment) throw new ApiError('shipment_not_found', `body.shipment: no shipment ${body.shipment}`);
      lot = requireLot(state, shipment.lot);
      const carrier = shipment.carrier ?? shipment.from;
      if (actor !== carrier && amountIn(lot.holdings, actor) <= 0)
        throw new ApiError(
          'forbidden',
          `only shipment ${body.shipment}'s carrier ${carrier} or a holder of lot ${lot.code} may post its temperatures`,
        );
    } else {
      lot = requireLot(state, body.code!);
      if (amountIn(lot.holdings, actor) <= 0)
        throw new ApiError('forbidden', `only a current holder of lot ${lot.code} may post its temperatures; ${actor} holds none`);
    }
    const limit = ctx.atMs + FUTURE_LIMIT_MS;
    const i = body.readings.findIndex((r) => Date.parse(r.t) > limit);
    if (i >= 0)
      throw new ApiError(
        'invalid_event',
        `body.readings.${i}.t: ${body.readings[i].t} is more than ${FUTURE_LIMIT_MS / 1000} s after the entry time ${ctx.at}`,
      );
    const readings = (lot.readings ?? 0) + body.readings.length;
    if (readings > MAX_LOT_READINGS)
      throw new ApiError(
        'readings_exceeded',
        `lot ${lot.code} already has ${lot.readings ?? 0} temperature readings; at most ${MAX_LOT_READINGS} per lot (docs/TRACE.md)`,
      );
    lot.readings = readings;
    logEntry(state, lot, ctx);
    putLot(state, lot);
  },
};
