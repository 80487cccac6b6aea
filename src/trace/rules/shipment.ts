/**
 * lot.ship and lot.receive (SPEC §7). Shipping moves an amount from the
 * sender's holding into a shipment; receiving (by the recipient, once) moves
 * what arrived into the recipient's holding and books any shortfall as lost in
 * transit. A recalled lot still in transit stays in transit: the recipient may
 * receive it so that it can be disposed of.
 */
import { lotReceive, lotShip, type LotReceiveBody, type LotShipBody } from '../../../schemas/trace.js';
import { getActor } from '../../actors/index.js';
import type { EventType } from '../../domain/plugin.js';
import { ApiError } from '../../errors.js';
import { add, sub } from '../amount.js';
import { amountIn, getShipment, logEntry, putLot, putShipment, setAmount } from '../state.js';
import { recallProgress } from '../recall-progress.js';
import { requireEnough, requireHolder, requireLot, requireUsable, requireWholeUnits } from './guards.js';

export const lotShipEvent: EventType<LotShipBody> = {
  type: 'lot.ship',
  body: lotShip,
  roles: 'any',
  apply(state, { actor, body }, ctx) {
    const lot = requireLot(state, body.code);
    if (getShipment(state, body.shipment))
      throw new ApiError('shipment_exists', `shipment ${body.shipment} already exists; shipment ids are unique forever`);
    if (body.to === actor) throw new ApiError('invalid_event', 'body.to: an actor cannot ship to itself');
    const recipient = getActor(state, body.to);
    if (!recipient) throw new ApiError('invalid_event', `body.to: ${body.to} is not a registered actor`);
    // An auditor is read-only (SPEC §5): it never holds goods, so it is never a lot's holder.
    if (recipient.role === 'auditor')
      throw new ApiError('invalid_event', `body.to: ${body.to} is an auditor (read-only) and cannot hold a lot`);
    if (body.carrier !== undefined && getActor(state, body.carrier)?.role !== 'carrier')
      throw new ApiError('invalid_event', `body.carrier: ${body.carrier} is not a registered carrier`);
    requireWholeUnits(lot, body.amount, 'body.amount');
    const held = requireHolder(lot, actor);
    requireUsable(lot, { expiry: false, atMs: ctx.atMs });
    requireEnough(lot, body.amount, held, `what ${actor} holds`);

    setAmount(lot.holdings, actor, sub(held, body.amount));
    lot.inTransit[body.shipment] = body.amount;
    logEntry(state, lot, ctx);
    putLot(state, lot);
    putShipment(state, {
      shipment: body.shipment,
      lot: lot.code,
      from: actor,
      to: body.to,
      ...(body.carrier !== undefined && { carrier: body.carrier }),
      amount: body.amount,
      index: ctx.index,
      at: ctx.at,
    });
  },
};

export const lotReceiveEvent: EventType<LotReceiveBody> = {
  type: 'lot.receive',
  body: lotReceive,
  roles: 'any',
  apply(state, { actor, body }, ctx) {
    const shipment = getShipment(state, body.shipment);
    if (!shipment) throw new ApiError('shipment_not_found', `body.shipment: no shipment ${body.shipment}`);
    if (actor !== shipment.to)
      throw new ApiError('forbidden', `shipment ${body.shipment} is addressed to ${shipment.to}; only it may receive it`);
    if (shipment.received)
      throw new ApiError('shipment_closed', `shipment ${body.shipment} was already received at entry ${shipment.received.index}`);
    const lot = requireLot(state, shipment.lot);
    requireWholeUnits(lot, body.amount, 'body.amount');
    requireEnough(lot, body.amount, shipment.amount, `shipment ${body.shipment}`);

    delete lot.inTransit[body.shipment];
    setAmount(lot.holdings, actor, add(amountIn(lot.holdings, actor), body.amount));
    lot.lost = add(lot.lost, sub(shipment.amount, body.amount));
    logEntry(state, lot, ctx);
    putLot(state, lot);
    putShipment(state, { ...shipment, received: { amount: body.amount, index: ctx.index, at: ctx.at } });
    recallProgress(state, lot, sub(shipment.amount, body.amount), ctx.atMs);
  },
};
