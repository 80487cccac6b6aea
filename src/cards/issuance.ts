/**
 * Selling cards (SPEC §6): card.issue and card.topup, by the issuing merchant
 * while it is `active`. Order of checks: permission, merchant status, card id,
 * cap, payment rule — so a suspended merchant learns that first.
 */
import { cardIssue, cardTopup, type CardIssueBody, type CardRecord, type CardTopupBody } from '../../schemas/cards.js';
import type { EventType } from '../domain/plugin.js';
import { ApiError } from '../errors.js';
import { checkHolderCosig, requireIssuer } from './guards.js';
import { credit } from './money.js';
import { addFen, checkCap, checkMaySell, checkPayment } from './policy.js';
import { getCard, requireCard, requireMerchant, saveCard, saveMerchant } from './state.js';

export const issue: EventType<CardIssueBody> = {
  type: 'card.issue',
  body: cardIssue,
  roles: ['merchant'],
  apply(state, event, ctx) {
    const { body, actor } = event;
    const merchant = requireMerchant(state, actor);
    checkMaySell(actor, merchant.record.status);
    if (getCard(state, body.card)) throw new ApiError('card_exists', `card ${body.card} has already been issued`);
    checkCap(body.kind, body.amount);
    checkPayment(body.purchaser, body.amount, body.payment);
    const blank: CardRecord = {
      card: body.card,
      merchant: actor,
      kind: body.kind,
      ...(body.holderKey !== undefined && { holderKey: body.holderKey }),
      ...(body.holderRef !== undefined && { holderRef: body.holderRef }),
      purchaser: body.purchaser,
      balance: 0,
      issued: 0,
      toppedUp: 0,
      consumed: 0,
      refunded: 0,
      compensated: 0,
      status: 'empty',
      issuedAt: ctx.at,
      issuedIndex: ctx.index,
      entryCount: 0,
    };
    // A holder may co-sign the issue (proof it holds holderKey); when it does, the signature must verify.
    checkHolderCosig(event, ctx, blank, false);
    const [card, record] = credit(blank, merchant.record, 'issued', body.amount);
    saveCard(state, card, ctx.index);
    saveMerchant(state, merchant, { ...record, cards: record.cards + 1 });
  },
};

export const topup: EventType<CardTopupBody> = {
  type: 'card.topup',
  body: cardTopup,
  roles: ['merchant'],
  apply(state, event, ctx) {
    const { body, actor } = event;
    const card = requireCard(state, body.card);
    requireIssuer(card, actor);
    const merchant = requireMerchant(state, actor);
    checkMaySell(actor, merchant.record.status);
    checkCap(card.kind, addFen(card.balance, body.amount, `card ${card.card}'s balance`));
    // The transfer rule is about a purchase of that size; a top-up is one (decision: docs/CARDS.md).
    checkPayment(card.purchaser, body.amount, body.payment);
    checkHolderCosig(event, ctx, card, false);
    const [next, record] = credit(card, merchant.record, 'toppedUp', body.amount);
    saveCard(state, next, ctx.index);
    saveMerchant(state, merchant, record);
  },
};
