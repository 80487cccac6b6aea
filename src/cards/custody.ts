/**
 * Fund custody (资金存管, SPEC §6): the merchant's registered custodian deposits
 * and releases. A release draws only on consumption or refunds not yet released
 * (`release_unbacked`, checked first) and never leaves custody below `required`
 * (`custody_ratio`). Custody movements go on after the merchant is closed.
 */
import {
  custodyDeposit,
  custodyPayout,
  custodyRelease,
  type CustodyDepositBody,
  type CustodyPayoutBody,
  type CustodyReleaseBody,
} from '../../schemas/cards.js';
import type { EventType } from '../domain/plugin.js';
import { ApiError } from '../errors.js';
import { checkHolderCosig, rejectCosig, requireCustodian } from './guards.js';
import { deposit as depositInto, payout as payOut, release as releaseFrom, unreleased } from './money.js';
import { checkBalance } from './policy.js';
import { requireCard, requireMerchant, saveCard, saveMerchant } from './state.js';

export const deposit: EventType<CustodyDepositBody> = {
  type: 'custody.deposit',
  body: custodyDeposit,
  roles: ['custodian'],
  apply(state, event) {
    const { body, actor } = event;
    const merchant = requireMerchant(state, body.merchant);
    requireCustodian(merchant, actor);
    rejectCosig(event);
    saveMerchant(state, merchant, depositInto(merchant.record, body.amount));
  },
};

export const release: EventType<CustodyReleaseBody> = {
  type: 'custody.release',
  body: custodyRelease,
  roles: ['custodian'],
  apply(state, event) {
    const { body, actor } = event;
    const merchant = requireMerchant(state, body.merchant);
    requireCustodian(merchant, actor);
    rejectCosig(event);
    const m = merchant.record;
    const backing = unreleased(m, body.purpose);
    if (body.amount > backing)
      throw new ApiError(
        'release_unbacked',
        `${body.merchant} has ${backing} fen of ${body.purpose === 'consumption' ? 'consumption' : 'refunds'} not yet released; ${body.amount} fen is more`,
      );
    if (m.custody - body.amount < m.required)
      throw new ApiError(
        'custody_ratio',
        `${body.merchant} holds ${m.custody} fen in custody and must keep ${m.required} fen; at most ${Math.max(0, m.custody - m.required)} fen can be released`,
      );
    saveMerchant(state, merchant, releaseFrom(m, body.purpose, body.amount));
  },
};

/**
 * custody.payout (SPEC §14): after a closure, the custodian pays a card's holder
 * out of custody — the money kept for exactly this day. Checks in order:
 * merchant, its custodian, card (of that merchant, else `invalid_event`),
 * `merchant_not_closed`, `insufficient_balance`, `custody_insufficient`.
 * The custody ratio does not apply: the payout lowers `required` as much as it
 * lowers custody (or more, for tiers under 100 %).
 */
export const payout: EventType<CustodyPayoutBody> = {
  type: 'custody.payout',
  body: custodyPayout,
  roles: ['custodian'],
  apply(state, event, ctx) {
    const { body, actor } = event;
    const merchant = requireMerchant(state, body.merchant);
    requireCustodian(merchant, actor);
    const card = requireCard(state, body.card);
    if (card.merchant !== body.merchant)
      throw new ApiError('invalid_event', `body.merchant: card ${card.card} was issued by ${card.merchant}, not ${body.merchant}`);
    const m = merchant.record;
    if (m.status !== 'closed')
      throw new ApiError('merchant_not_closed', `${body.merchant} is ${m.status}; custody is paid out to holders only after a closure`);
    checkBalance(card.card, card.balance, body.amount);
    if (body.amount > m.custody)
      throw new ApiError('custody_insufficient', `${body.merchant} has ${m.custody} fen in custody; ${body.amount} fen is more than that`);
    checkHolderCosig(event, ctx, card, false);
    const [next, record] = payOut(card, m, body.amount);
    saveCard(state, next, ctx);
    saveMerchant(state, merchant, record);
  },
};
