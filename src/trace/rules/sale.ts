/**
 * lot.sell and lot.dispose (SPEC §7): amounts leave the chain from the
 * signer's holding. Selling needs a retailer with a usable lot (not recalled,
 * held or expired); disposing is always allowed to a holder, because that is
 * how a recall, a hold or an expiry is carried out.
 */
import { lotDispose, lotSell, type LotDisposeBody, type LotSellBody } from '../../../schemas/trace.js';
import type { EventType } from '../../domain/plugin.js';
import { add, sub } from '../amount.js';
import { logEntry, putLot, setAmount } from '../state.js';
import { recallProgress } from '../recall-progress.js';
import { requireEnough, requireHolder, requireLot, requireUsable, requireWholeUnits } from './guards.js';

export const lotSellEvent: EventType<LotSellBody> = {
  type: 'lot.sell',
  body: lotSell,
  roles: ['retailer'],
  apply(state, { actor, body }, ctx) {
    const lot = requireLot(state, body.code);
    requireWholeUnits(lot, body.amount, 'body.amount');
    const held = requireHolder(lot, actor);
    requireUsable(lot, { expiry: true, atMs: ctx.atMs });
    requireEnough(lot, body.amount, held, `what ${actor} holds`);
    setAmount(lot.holdings, actor, sub(held, body.amount));
    lot.sold = add(lot.sold, body.amount);
    logEntry(state, lot, ctx);
    putLot(state, lot);
  },
};

export const lotDisposeEvent: EventType<LotDisposeBody> = {
  type: 'lot.dispose',
  body: lotDispose,
  roles: 'any',
  apply(state, { actor, body }, ctx) {
    const lot = requireLot(state, body.code);
    requireWholeUnits(lot, body.amount, 'body.amount');
    const held = requireHolder(lot, actor);
    requireEnough(lot, body.amount, held, `what ${actor} holds`);
    setAmount(lot.holdings, actor, sub(held, body.amount));
    lot.disposed = add(lot.disposed, body.amount);
    logEntry(state, lot, ctx);
    putLot(state, lot);
    recallProgress(state, lot, body.amount, ctx.atMs);
  },
};
