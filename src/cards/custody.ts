/**
 * Fund custody (资金存管, SPEC §6): the merchant's registered custodian deposits
 * and releases. A release draws only on consumption or refunds not yet released
 * (`release_unbacked`, checked first) and never leaves custody below `required`
 * (`custody_ratio`). Custody movements go on after the merchant is closed.
 */
import { custodyDeposit, custodyRelease, type CustodyDepositBody, type CustodyReleaseBody } from '../../schemas/cards.js';
import type { EventType } from '../domain/plugin.js';
import { ApiError } from '../errors.js';
import { rejectCosig, requireCustodian } from './guards.js';
import { deposit as depositInto, release as releaseFrom, unreleased } from './money.js';
import { requireMerchant, saveMerchant } from './state.js';

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
