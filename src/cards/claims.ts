/**
 * Closure claims (SPEC §14) as pure functions of the card and merchant records.
 * When `close` is accepted, every card of the merchant with a balance becomes a
 * claim of that balance. Nothing is written per card at close: after a closure a
 * card's balance only goes down, by custody payouts, insurance compensation and
 * refunds (all tracked on the card), so
 *
 *   claim = balance + paidOut + compensated + closureRefunds
 *
 * is the balance at close, and the merchant's `closure` record holds the totals
 * as of that entry. Invariant: claim = paid.custody + paid.insurance + paid.refund + outstanding.
 */
import type { CardRecord, MerchantRecord } from '../../schemas/cards.js';

export interface Paid {
  custody: number;
  insurance: number;
  refund: number;
}

export interface Claim {
  card: string;
  claim: number;
  paid: Paid;
  outstanding: number;
}

export interface ClaimTotals {
  cards: number;
  claim: number;
  paid: Paid;
  outstanding: number;
}

/** The card's closure claim, or undefined when its merchant is not closed or the card held nothing at close. */
export const cardClaim = (card: CardRecord, merchant: MerchantRecord): Claim | undefined => {
  if (!merchant.closure) return undefined;
  const paid: Paid = { custody: card.paidOut ?? 0, insurance: card.compensated, refund: card.closureRefunds ?? 0 };
  const claim = card.balance + paid.custody + paid.insurance + paid.refund;
  return claim > 0 ? { card: card.card, claim, paid, outstanding: card.balance } : undefined;
};

/** The merchant's claim totals (all zero before a closure). */
export const claimTotals = (m: MerchantRecord): ClaimTotals => {
  if (!m.closure) return { cards: 0, claim: 0, paid: { custody: 0, insurance: 0, refund: 0 }, outstanding: 0 };
  return {
    cards: m.closure.cards,
    claim: m.closure.claim,
    paid: { custody: m.paidOut ?? 0, insurance: m.compensated, refund: m.refunded - m.closure.refundedBefore },
    outstanding: m.outstanding,
  };
};
