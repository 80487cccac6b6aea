/**
 * Disposal (处置, SPEC §6) by a regulator, and what follows a closure: the
 * merchant's registered insurer compensates holders from its own funds.
 *
 *   warn            recorded (warnings + 1), status unchanged, allowed in any status
 *   suspendIssuing  active → suspendedIssuing: blocks card.issue and card.topup
 *   reinstate       suspendedIssuing → active
 *   close           → closed, final: blocks issue, top-up and consumption; a later
 *                   suspendIssuing, reinstate or close is `merchant_closed`
 * A no-op change (suspending a suspended merchant, reinstating an active one) is `invalid_event`.
 */
import {
  insuranceCompensate,
  merchantDispose,
  type InsuranceCompensateBody,
  type MerchantDisposeBody,
  type MerchantRecord,
} from '../../schemas/cards.js';
import type { EventType } from '../domain/plugin.js';
import { ApiError } from '../errors.js';
import { checkHolderCosig, rejectCosig, requireInsurer } from './guards.js';
import { debit } from './money.js';
import { checkBalance } from './policy.js';
import { merchantDisposals, merchantDisposalsKey, merchantSubject, requireCard, requireMerchant, saveCard, saveMerchant } from './state.js';

/** The status a disposal action leads to from `from`; throws when the action does not apply. Pure. */
export const disposalStatus = (
  merchant: string,
  from: MerchantRecord['status'],
  action: MerchantDisposeBody['action'],
): MerchantRecord['status'] => {
  if (action === 'warn') return from;
  if (from === 'closed') throw new ApiError('merchant_closed', `${merchant} is closed; a closure is final`);
  if (action === 'close') return 'closed';
  if (action === 'suspendIssuing') {
    if (from === 'suspendedIssuing') throw new ApiError('invalid_event', `${merchant} is already suspended from issuing`);
    return 'suspendedIssuing';
  }
  if (from === 'active') throw new ApiError('invalid_event', `${merchant} is active; there is nothing to reinstate`);
  return 'active';
};

export const dispose: EventType<MerchantDisposeBody> = {
  type: 'merchant.dispose',
  body: merchantDispose,
  roles: ['regulator'],
  apply(state, event, ctx) {
    const { body } = event;
    const merchant = requireMerchant(state, body.merchant);
    const m = merchant.record;
    const status = disposalStatus(body.merchant, m.status, body.action);
    rejectCosig(event);
    // A card's view relies on its merchant's disposals (a closure changes what the card may do).
    ctx.concern(merchantSubject(body.merchant));
    state.put(merchantDisposalsKey(body.merchant), [...merchantDisposals(state, body.merchant), ctx.index]);
    saveMerchant(state, merchant, {
      ...m,
      status,
      warnings: m.warnings + (body.action === 'warn' ? 1 : 0),
      lastDisposal: { action: body.action, reason: body.reason, index: ctx.index, at: ctx.at },
      // Closure claims (SPEC §14): every card with a balance now is a claim of that balance. They are
      // kept implicitly: a card's claim is its balance plus what was paid on it since (payouts,
      // compensation, refunds), so closing writes one record however many cards there are.
      // Only the transition into `closed` records it: a later `warn` must not move the claim snapshot.
      ...(body.action === 'close' && {
        closure: { index: ctx.index, at: ctx.at, cards: m.cardsWithBalance ?? 0, claim: m.outstanding, refundedBefore: m.refunded },
      }),
    });
  },
};

export const compensate: EventType<InsuranceCompensateBody> = {
  type: 'insurance.compensate',
  body: insuranceCompensate,
  roles: ['insurer'],
  apply(state, event, ctx) {
    const { body, actor } = event;
    const merchant = requireMerchant(state, body.merchant);
    requireInsurer(merchant, actor);
    const card = requireCard(state, body.card);
    if (card.merchant !== body.merchant)
      throw new ApiError('invalid_event', `body.merchant: card ${card.card} was issued by ${card.merchant}, not ${body.merchant}`);
    if (merchant.record.status !== 'closed')
      throw new ApiError('merchant_not_closed', `${body.merchant} is ${merchant.record.status}; insurers compensate only after a closure`);
    checkBalance(card.card, card.balance, body.amount);
    checkHolderCosig(event, ctx, card, false);
    // The insurer pays the holder: the card's balance and the merchant's outstanding shrink; custody is untouched.
    const [next, record] = debit(card, merchant.record, 'compensated', body.amount);
    saveCard(state, next, ctx);
    saveMerchant(state, merchant, record);
  },
};
