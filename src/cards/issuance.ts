/**
 * Selling cards (SPEC §6, §14): card.issue, card.import and card.topup, by the
 * issuing merchant while it is `active`. Order of checks: permission, merchant status, card id,
 * cap, payment rule — so a suspended merchant learns that first.
 */
import {
  cardImport,
  cardIssue,
  cardTopup,
  type CardImportBody,
  type CardIssueBody,
  type CardRecord,
  type CardTopupBody,
} from '../../schemas/cards.js';
import type { Event, EventContext, EventType, State } from '../domain/plugin.js';
import { ApiError } from '../errors.js';
import { checkHolderCosig, requireIssuer } from './guards.js';
import { credit } from './money.js';
import { addFen, checkCap, checkMaySell, checkPayment } from './policy.js';
import { getCard, merchantCardKey, requireCard, requireMerchant, saveCard, saveMerchant, type Merchant } from './state.js';

/** A new card record with nothing on it yet; issue and import credit it. */
const blankCard = (
  body: Pick<CardIssueBody, 'card' | 'kind' | 'holderKey' | 'holderRef' | 'purchaser'>,
  merchant: string,
  issuedAt: string,
  index: number,
): CardRecord => ({
  card: body.card,
  merchant,
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
  paidOut: 0,
  status: 'empty',
  issuedAt,
  issuedIndex: index,
  entryCount: 0,
});

/** Shared by issue and import: the holder proves holderKey (SPEC §14), then the card is credited and indexed. */
const openCard = (state: State, event: Event<unknown>, ctx: EventContext, merchant: Merchant, blank: CardRecord, amount: number): void => {
  // Holder consent: a card keyed to holderKey is issued only with that key's signature.
  checkHolderCosig(event, ctx, blank, true);
  const [card, record] = credit(blank, merchant.record, 'issued', amount);
  saveCard(state, card, ctx);
  state.put(merchantCardKey(merchant.actor.id, card.card), 1);
  saveMerchant(state, merchant, { ...record, cards: record.cards + 1 });
};

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
    openCard(state, event, ctx, merchant, blankCard(body, actor, ctx.at, ctx.index), body.amount);
  },
};

/** How long after its registration a merchant may bring the cards it sold before joining. */
export const IMPORT_WINDOW_MS = 30 * 24 * 3600 * 1000;

/**
 * card.import (SPEC §14): a card sold before the merchant joined, with its
 * balance and original sale time. Checked as card.issue (status, id, cap on the
 * balance, payment rule, holder consent); the merchant's import window is 30 × 24 h
 * from its registration entry, inclusive (`import_closed` after); `issuedAt` must
 * lie before the entry's server time. Cooling-off then counts from `issuedAt`, and
 * the sales-spike rule does not see imports (it observes issue and top-up only).
 */
export const importCard: EventType<CardImportBody> = {
  type: 'card.import',
  body: cardImport,
  roles: ['merchant'],
  apply(state, event, ctx) {
    const { body, actor } = event;
    const merchant = requireMerchant(state, actor);
    checkMaySell(actor, merchant.record.status);
    const registered = Date.parse(merchant.actor.registeredAt);
    if (ctx.atMs - registered > IMPORT_WINDOW_MS)
      throw new ApiError(
        'import_closed',
        `${actor} registered at ${merchant.actor.registeredAt}; cards can be imported only within 30 days of that`,
      );
    if (Date.parse(body.issuedAt) >= ctx.atMs)
      throw new ApiError('invalid_event', `body.issuedAt: ${body.issuedAt} is not before the entry's server time ${ctx.at}`);
    if (getCard(state, body.card)) throw new ApiError('card_exists', `card ${body.card} has already been issued`);
    checkCap(body.kind, body.balance);
    checkPayment(body.purchaser, body.balance, body.payment);
    openCard(state, event, ctx, merchant, { ...blankCard(body, actor, body.issuedAt, ctx.index), imported: true }, body.balance);
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
    saveCard(state, next, ctx);
    saveMerchant(state, merchant, record);
  },
};
