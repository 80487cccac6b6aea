/**
 * GET /v1/regulator/merchants (SPEC §8, §10): regulators and auditors (read-only: the dashboard's key, SPEC §5). Every registered
 * merchant's full view with its open anomalies and the rating behind its stars,
 * lowest stars first (then lowest score, then id). Merchants are found by
 * listing the actor registry in committed state.
 */
import type { ActorRecord } from '../../schemas/actors.js';
import { findMerchant, fullMerchantView } from '../cards/index.js';
import type { State } from '../domain/plugin.js';
import type { Services } from '../http/plugin-http.js';
import { allow } from '../http/auth.js';
import { json, type Route } from '../http/route.js';
import { rateMerchant } from './merchant-rating.js';

export const merchantListRoutes = (services: Services): Route[] => {
  const { ledger } = services;
  const view: Pick<State, 'get'> = { get: (k) => ledger.get(k) };
  return [
    {
      method: 'GET',
      path: '/v1/regulator/merchants',
      auth: 'required',
      rate: 'expensive',
      handle: async (req) => {
        allow(req.principal, ['regulator', 'auditor']);
        const now = services.now();
        const merchants = [];
        for await (const { value } of ledger.scan<ActorRecord>('actor/')) {
          if (value.role !== 'merchant') continue;
          const merchant = findMerchant(view, value.id);
          if (!merchant) continue;
          const { rating, anomalies } = rateMerchant(view, merchant, now);
          merchants.push({ ...fullMerchantView(merchant, rating.stars), anomalies, rating: { score: rating.score, parts: rating.parts } });
        }
        merchants.sort((a, b) => a.stars - b.stars || a.rating.score - b.rating.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        return json({ merchants });
      },
    },
  ];
};
