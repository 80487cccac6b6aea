/** The merchant read views (SPEC §8): public for anyone, full for the merchant itself and regulators. */
import type { MerchantFull, MerchantPublic } from '../../schemas/cards.js';
import { merchantStars } from './stars.js';
import type { Merchant } from './state.js';

export const publicMerchantView = ({ actor, tier, record: m }: Merchant): MerchantPublic => ({
  id: actor.id,
  name: actor.name,
  tier,
  status: m.status,
  stars: merchantStars(m),
  custodyOk: m.custody >= m.required,
  complaintsOpen: m.complaintsOpen,
});

export const fullMerchantView = (merchant: Merchant): MerchantFull => {
  const m = merchant.record;
  return {
    ...publicMerchantView(merchant),
    outstanding: m.outstanding,
    custody: m.custody,
    required: m.required,
    consumedUnreleased: m.consumedUnreleased,
    refundedUnreleased: m.refundedUnreleased,
    complaintsTotal: m.complaintsTotal,
  };
};
