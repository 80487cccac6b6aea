/**
 * The merchant read views (SPEC §8): public for anyone, full for the merchant
 * itself and regulators. `stars` comes from the regulator's rating
 * (src/regulator/merchant-rating.ts), which needs anomalies and the clock.
 */
import type { MerchantFull, MerchantPublic } from '../../schemas/cards.js';
import type { Merchant } from './state.js';

export const publicMerchantView = ({ actor, tier, record: m }: Merchant, stars: number): MerchantPublic => ({
  id: actor.id,
  name: actor.name,
  tier,
  status: m.status,
  stars,
  custodyOk: m.custody >= m.required,
  complaintsOpen: m.complaintsOpen,
});

export const fullMerchantView = (merchant: Merchant, stars: number): MerchantFull => {
  const m = merchant.record;
  return {
    ...publicMerchantView(merchant, stars),
    outstanding: m.outstanding,
    custody: m.custody,
    required: m.required,
    consumedUnreleased: m.consumedUnreleased,
    refundedUnreleased: m.refundedUnreleased,
    complaintsTotal: m.complaintsTotal,
  };
};
