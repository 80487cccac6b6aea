/**
 * The regulatory numbers of SPEC §6 as pure functions: card caps, the company
 * bank-transfer rule, the cooling-off window, custody percentages and
 * `required`, and which merchant statuses allow what. Each check throws the
 * SPEC code; none reads state or the clock (times are passed in).
 */
import type { CardKind, MerchantStatus, Payment, Purchaser, Tier } from '../../schemas/cards.js';
import { ApiError } from '../errors.js';

/** Balance caps in fen: 5,000 yuan named, 1,000 yuan anonymous. */
export const CARD_CAP: Readonly<Record<CardKind, number>> = { named: 500_000, anonymous: 100_000 };

/** Company purchases of this many fen (5,000 yuan) or more must be paid by bank transfer. */
export const COMPANY_TRANSFER_THRESHOLD = 500_000;

/** The cooling-off window: 7 × 24 h from the issuing entry's server time, inclusive. */
export const COOLING_OFF_MS = 7 * 24 * 3600 * 1000;

/** Custody percentage by tier (integers, SPEC §5/§6). */
export const CUSTODY_PCT: Readonly<Record<Tier, number>> = { scale: 20, group: 30, brand: 40, other: 0, full: 100 };

/**
 * required = ceil(pct × outstanding / 100), exactly: BigInt keeps pct × outstanding
 * exact even where it exceeds 2^53 (outstanding itself is a safe integer).
 */
export const requiredCustody = (tier: Tier, outstanding: number): number => {
  const product = BigInt(CUSTODY_PCT[tier]) * BigInt(outstanding);
  return Number((product + 99n) / 100n);
};

/** The card's resulting balance must stay within its cap (issue and top-up). */
export const checkCap = (kind: CardKind, resultingBalance: number): void => {
  const cap = CARD_CAP[kind];
  if (resultingBalance > cap)
    throw new ApiError('cap_exceeded', `a ${kind} card may hold at most ${cap} fen; this would make its balance ${resultingBalance} fen`);
};

/** Company purchases of 500000 fen or more go by bank transfer only. */
export const checkPayment = (buyer: Purchaser, amount: number, paidBy: Payment): void => {
  if (buyer === 'company' && amount >= COMPANY_TRANSFER_THRESHOLD && paidBy !== 'transfer')
    throw new ApiError(
      'payment_rule',
      `a company purchase of ${COMPANY_TRANSFER_THRESHOLD} fen or more must be paid by transfer, not ${paidBy}`,
    );
};

/** Whether `atMs` lies within the cooling-off window of a card issued at `issuedAtMs` (inclusive). */
export const withinCoolingOff = (issuedAtMs: number, atMs: number): boolean => atMs - issuedAtMs <= COOLING_OFF_MS;

/** Issue and top-up need an `active` merchant. */
export const checkMaySell = (merchant: string, status: MerchantStatus): void => {
  if (status === 'suspendedIssuing')
    throw new ApiError('merchant_suspended', `${merchant} is suspended from issuing and topping up cards by the regulator`);
  if (status === 'closed')
    throw new ApiError('merchant_closed', `${merchant} is closed; it can no longer issue, top up or take consumption`);
};

/** Consumption needs a merchant that is not closed. */
export const checkMayServe = (merchant: string, status: MerchantStatus): void => {
  if (status === 'closed') throw new ApiError('merchant_closed', `${merchant} is closed; cards can only be refunded or compensated`);
};

/** An outflow from a card never exceeds its balance. */
export const checkBalance = (card: string, balance: number, amount: number): void => {
  if (amount > balance) throw new ApiError('insufficient_balance', `card ${card} holds ${balance} fen; ${amount} fen is more than that`);
};

/** A running total stays a safe integer (SPEC §1); past that the event is refused rather than rounded. */
export const addFen = (a: number, b: number, what: string): number => {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new ApiError('invalid_event', `${what} would exceed ${Number.MAX_SAFE_INTEGER} fen`);
  return sum;
};
