/**
 * Money leaving a card towards its holder or the merchant (SPEC §6):
 * card.consume (merchant, co-signed by the holder when the card has a key),
 * card.refundRequest (the holder, card:<id>) and card.refund (merchant).
 * Refunds and refund requests go on after a merchant is closed; consumption does not.
 */
import {
  cardConsume,
  cardRefund,
  cardRefundRequest,
  type CardConsumeBody,
  type CardRefundBody,
  type CardRefundRequestBody,
} from '../../schemas/cards.js';
import type { EventType } from '../domain/plugin.js';
import { ApiError } from '../errors.js';
import { checkHolderCosig, requireIssuer, requireOwnCard } from './guards.js';
import { debit } from './money.js';
import { checkBalance, checkMayServe, COOLING_OFF_MS, withinCoolingOff } from './policy.js';
import { getRefundRequest, putRefundRequest, requireCard, requireMerchant, saveCard, saveMerchant } from './state.js';

export const consume: EventType<CardConsumeBody> = {
  type: 'card.consume',
  body: cardConsume,
  roles: ['merchant'],
  apply(state, event, ctx) {
    const { body, actor } = event;
    const card = requireCard(state, body.card);
    requireIssuer(card, actor);
    const merchant = requireMerchant(state, actor);
    checkMayServe(actor, merchant.record.status);
    // Consumption is the holder's money leaving: with a holder key, the holder must have agreed to it.
    checkHolderCosig(event, ctx, card, true);
    checkBalance(card.card, card.balance, body.amount);
    const [next, record] = debit(card, merchant.record, 'consumed', body.amount);
    saveCard(state, next, ctx);
    saveMerchant(state, merchant, record);
  },
};

export const refundRequest: EventType<CardRefundRequestBody> = {
  type: 'card.refundRequest',
  body: cardRefundRequest,
  roles: ['holder'],
  apply(state, event, ctx) {
    const { body, actor } = event;
    requireOwnCard(body.card, actor);
    const card = requireCard(state, body.card);
    checkBalance(card.card, card.balance, body.amount);
    if (body.reason === 'coolingOff' && !withinCoolingOff(Date.parse(card.issuedAt), ctx.atMs))
      throw new ApiError(
        'cooling_off_expired',
        `card ${card.card} was issued at ${card.issuedAt}; a cooling-off refund must be asked for within ${COOLING_OFF_MS / 3_600_000} h of that`,
      );
    checkHolderCosig(event, ctx, card, false);
    putRefundRequest(state, {
      id: event.id,
      card: card.card,
      amount: body.amount,
      reason: body.reason,
      at: ctx.at,
      index: ctx.index,
      refunded: 0,
    });
    // The request moves no money; it is recorded on the card for the holder's read.
    saveCard(state, card, ctx);
  },
};

export const refund: EventType<CardRefundBody> = {
  type: 'card.refund',
  body: cardRefund,
  roles: ['merchant'],
  apply(state, event, ctx) {
    const { body, actor } = event;
    const card = requireCard(state, body.card);
    requireIssuer(card, actor);
    const request = body.request === undefined ? undefined : getRefundRequest(state, card.card, body.request);
    if (body.request !== undefined && !request)
      throw new ApiError('invalid_event', `body.request: card ${card.card} has no refund request with event id ${body.request}`);
    checkBalance(card.card, card.balance, body.amount);
    // Holder consent (SPEC §14): the holder co-signs, or the refund answers the holder's own request.
    if (card.holderKey && event.cosig?.holder === undefined) {
      const left = request ? request.amount - request.refunded : 0;
      if (body.amount > left)
        throw new ApiError(
          'holder_signature_required',
          request
            ? `refund request ${request.id} has ${left} fen left to refund; ${body.amount} fen more needs cosig.holder`
            : `card ${card.card} has a holder key: a refund needs cosig.holder or a body.request naming the holder's refund request`,
        );
    }
    checkHolderCosig(event, ctx, card, false);
    const merchant = requireMerchant(state, actor);
    const [debited, record] = debit(card, merchant.record, 'refunded', body.amount);
    // After a closure a refund pays part of the card's closure claim.
    const next = record.closure ? { ...debited, closureRefunds: (debited.closureRefunds ?? 0) + body.amount } : debited;
    if (request) putRefundRequest(state, { ...request, refunded: request.refunded + body.amount, lastRefundIndex: ctx.index });
    saveCard(state, next, ctx);
    saveMerchant(state, merchant, record);
  },
};
