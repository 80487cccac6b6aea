/**
 * Money movements as pure functions over (card, merchant) records. They are the
 * only places balances, outstanding, custody and the unreleased figures change,
 * so the invariants documented on CardRecord and MerchantRecord hold by
 * construction: every movement updates both sides by the same amount. Callers
 * check the rules first (caps, balance, backing, ratio); these only add up.
 */
import type { CardRecord, MerchantRecord } from '../../schemas/cards.js';
import { addFen } from './policy.js';

export type Inflow = 'issued' | 'toppedUp';
export type Outflow = 'consumed' | 'refunded' | 'compensated';
export type ReleasePurpose = 'consumption' | 'refund';

const statusOf = (balance: number): CardRecord['status'] => (balance === 0 ? 'empty' : 'active');

/** How the merchant's count of cards with a balance moves when one card's balance goes from `before` to `after`. */
const withBalance = (m: MerchantRecord, before: number, after: number): number =>
  (m.cardsWithBalance ?? 0) + (before === 0 && after > 0 ? 1 : before > 0 && after === 0 ? -1 : 0);

/** Money paid in for a card: its balance and the merchant's outstanding grow. */
export const credit = (card: CardRecord, m: MerchantRecord, flow: Inflow, amount: number): [CardRecord, MerchantRecord] => {
  const balance = addFen(card.balance, amount, `card ${card.card}'s balance`);
  return [
    { ...card, balance, [flow]: card[flow] + amount, status: statusOf(balance) },
    {
      ...m,
      outstanding: addFen(m.outstanding, amount, `${m.merchant}'s outstanding balance`),
      [flow]: addFen(m[flow], amount, `${m.merchant}'s ${flow} total`),
      cardsWithBalance: withBalance(m, card.balance, balance),
    },
  ];
};

/**
 * Money leaving a card (amount ≤ balance, checked by the caller). Consumption and
 * refunds are paid by the merchant, so they become custody the custodian may
 * release (consumedUnreleased / refundedUnreleased). An insurer's compensation is
 * paid by the insurer: it backs no release.
 */
export const debit = (card: CardRecord, m: MerchantRecord, flow: Outflow, amount: number): [CardRecord, MerchantRecord] => {
  if (amount > card.balance) throw new TypeError(`debit of ${amount} from card ${card.card} holding ${card.balance}`);
  const balance = card.balance - amount;
  const next: MerchantRecord = {
    ...m,
    outstanding: m.outstanding - amount,
    [flow]: m[flow] + amount,
    cardsWithBalance: withBalance(m, card.balance, balance),
  };
  if (flow === 'consumed') next.consumedUnreleased = m.consumedUnreleased + amount;
  if (flow === 'refunded') next.refundedUnreleased = m.refundedUnreleased + amount;
  return [{ ...card, balance, [flow]: card[flow] + amount, status: statusOf(balance) }, next];
};

/**
 * A closed merchant's holder paid out of custody by the custodian (SPEC §14):
 * the card's balance, the merchant's outstanding and its custody shrink together
 * (amount ≤ balance and ≤ custody, checked by the caller). It backs no release.
 */
export const payout = (card: CardRecord, m: MerchantRecord, amount: number): [CardRecord, MerchantRecord] => {
  if (amount > card.balance || amount > m.custody) throw new TypeError(`payout of ${amount} from card ${card.card} / ${m.merchant}`);
  const balance = card.balance - amount;
  return [
    { ...card, balance, paidOut: (card.paidOut ?? 0) + amount, status: statusOf(balance) },
    {
      ...m,
      outstanding: m.outstanding - amount,
      custody: m.custody - amount,
      paidOut: (m.paidOut ?? 0) + amount,
      cardsWithBalance: withBalance(m, card.balance, balance),
    },
  ];
};

/** Custody paid in by the custodian on the merchant's behalf. */
export const deposit = (m: MerchantRecord, amount: number): MerchantRecord => ({
  ...m,
  custody: addFen(m.custody, amount, `${m.merchant}'s custody`),
  deposited: addFen(m.deposited, amount, `${m.merchant}'s deposits`),
});

/** Custody paid out against consumption or refunds not yet released (backing and ratio checked by the caller). */
export const release = (m: MerchantRecord, purpose: ReleasePurpose, amount: number): MerchantRecord =>
  purpose === 'consumption'
    ? {
        ...m,
        custody: m.custody - amount,
        consumedUnreleased: m.consumedUnreleased - amount,
        releasedConsumption: m.releasedConsumption + amount,
      }
    : {
        ...m,
        custody: m.custody - amount,
        refundedUnreleased: m.refundedUnreleased - amount,
        releasedRefund: m.releasedRefund + amount,
      };

/** How much custody a release of `purpose` could at most draw on. */
export const unreleased = (m: MerchantRecord, purpose: ReleasePurpose): number =>
  purpose === 'consumption' ? m.consumedUnreleased : m.refundedUnreleased;
