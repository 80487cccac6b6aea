/**
 * The checks several lot events share, each throwing the SPEC §7 code. Rules
 * call them in one order — existence, holding, status, quantity — so that the
 * code names the most basic thing wrong: a non-holder is told `not_holder` even
 * when the lot is also recalled, and a holder of a recalled lot is told
 * `lot_recalled` before being told it asked for too much.
 */
import type { StateView } from '../../../ledger/index.js';
import { ApiError } from '../../errors.js';
import { COUNT_UNITS } from '../amount.js';
import { amountIn, getLot, isExpired, isHeld, type LotRecord } from '../state.js';

/** The lot, or 404 lot_not_found. */
export const requireLot = (state: Pick<StateView, 'get'>, code: string, field = 'body.code'): LotRecord => {
  const lot = getLot(state, code);
  if (!lot) throw new ApiError('lot_not_found', `${field}: no lot ${code}`);
  return lot;
};

/** `actor` holds some of the lot (not_holder); returns how much. */
export const requireHolder = (lot: LotRecord, actor: string): number => {
  const held = amountIn(lot.holdings, actor);
  if (held <= 0) throw new ApiError('not_holder', `${actor} holds none of lot ${lot.code}`);
  return held;
};

/** `amount` ≤ what is available (quantity_exceeded). */
export const requireEnough = (lot: LotRecord, amount: number, available: number, what: string): void => {
  if (amount > available)
    throw new ApiError(
      'quantity_exceeded',
      `${amount} ${lot.quantity.unit} of lot ${lot.code} asked for, but ${what} is only ${available}`,
    );
};

export interface UsableOptions {
  /** Check expiry too (transform and sell; shipping an expired lot, e.g. for disposal, is allowed). */
  expiry: boolean;
  atMs: number;
}

/** Not recalled (lot_recalled), not on hold (lot_held), and when asked not expired (lot_expired): SPEC §7 status order. */
export const requireUsable = (lot: LotRecord, o: UsableOptions): void => {
  if (lot.recall) {
    const via = lot.recall.lot === lot.code ? '' : ` (made from recalled lot ${lot.recall.lot})`;
    throw new ApiError('lot_recalled', `lot ${lot.code} is recalled${via} at entry ${lot.recall.index}; it may only be disposed of`);
  }
  if (isHeld(lot))
    throw new ApiError(
      'lot_held',
      `lot ${lot.code} is on hold since the failed inspection at entry ${lot.inspection!.index}; a later pass lifts it`,
    );
  if (o.expiry && isExpired(lot, o.atMs)) throw new ApiError('lot_expired', `lot ${lot.code} expired at ${lot.expiresAt}`);
};

/** Lots counted in pieces or boxes move in whole numbers (invalid_event). */
export const requireWholeUnits = (lot: LotRecord, amount: number, field: string): void => {
  if (COUNT_UNITS.has(lot.quantity.unit) && !Number.isInteger(amount))
    throw new ApiError('invalid_event', `${field}: lot ${lot.code} is counted in ${lot.quantity.unit}; ${amount} is not a whole number`);
};
