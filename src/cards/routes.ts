/**
 * Card and merchant reads (SPEC §8):
 *   GET /v1/cards/{card}     the holder (keyid="card:<id>"), the issuing merchant, regulators,
 *                            and the insurer of a closed merchant (SPEC §14)
 *   GET /v1/merchants/{id}   public view for anyone; full view for the merchant itself, regulators,
 *                            its custodian and its insurer
 * and the other parties' reads of SPEC §14 (party-routes.ts).
 */
import { z } from 'zod';
import { id } from '../../schemas/common.js';
import { cardDocs } from '../../schemas/cards.js';
import type { State } from '../domain/plugin.js';
import type { PluginHttp, Services } from '../http/plugin-http.js';
import { ApiError } from '../errors.js';
import { allow } from '../http/auth.js';
import { parseInput } from '../http/params.js';
import { json, type Route } from '../http/route.js';
import { partyRoutes } from './party-routes.js';
import { readsCard, readsFullMerchant } from './party-views.js';
import { cardEntryIndexes, cardSubject, findMerchant, getCard, merchantDisposals, merchantSubject } from './state.js';
import { completenessOf, viewPointFor } from '../domain/completeness.js';
import { fullMerchantView, publicMerchantView } from './views.js';
import { merchantStars } from '../regulator/index.js';

export const cardRoutes = (services: Services): Route[] => {
  const { ledger } = services;
  const view: Pick<State, 'get'> = { get: (k) => ledger.get(k) };
  return [
    {
      method: 'GET',
      path: '/v1/cards/{card}',
      auth: 'required',
      handle: async (req) => {
        const { card: cardId } = parseInput(z.object({ card: id }), req.params, 'path');
        // Roles that can never read a card learn nothing about which cards exist.
        const p = allow(req.principal, ['regulator', 'merchant', 'holder', 'insurer']);
        const card = getCard(view, cardId);
        if (!card) throw new ApiError('card_not_found', `no card ${cardId} has been issued`);
        if (!readsCard(p, card, findMerchant(view, card.merchant)))
          throw new ApiError(
            'forbidden',
            `only the holder, the issuing merchant, regulators and (after a closure) the insurer may read card ${cardId}`,
          );
        // Committed state and the checkpoint are read in one synchronous step, so the checkpoint
        // covers every entry the state names; the proofs are then computed against it. The
        // subject map (SPEC §12) is the one of that checkpoint: every proof below is at one size.
        const indexes = cardEntryIndexes(view, card);
        const disposals = merchantDisposals(view, card.merchant);
        const lists = [
          { subject: cardSubject(card.card), indexes },
          { subject: merchantSubject(card.merchant), indexes: disposals },
        ];
        const point = viewPointFor(ledger, services.witnessed, Math.max(indexes.at(-1) ?? -1, disposals.at(-1) ?? -1));
        const checkpoint = point.checkpoint;
        const entries = indexes.map((i) => ledger.entry(i)!);
        const merchantEntries = disposals.map((i) => ledger.entry(i)!);
        const proofs: Record<string, string[]> = {};
        for (const i of [...indexes, ...disposals]) proofs[String(i)] = await ledger.proveInclusion(i, checkpoint.size);
        const completeness = completenessOf(point, lists);
        return json({ card, entries, merchantEntries, checkpoint, proofs, completeness });
      },
    },
    {
      method: 'GET',
      path: '/v1/merchants/{id}',
      auth: 'optional',
      handle: (req) => {
        const { id: merchantId } = parseInput(z.object({ id }), req.params, 'path');
        const merchant = findMerchant(view, merchantId);
        if (!merchant) throw new ApiError('not_found', `${merchantId} is not a registered merchant`);
        const full = readsFullMerchant(req.principal, merchant);
        const stars = merchantStars(view, merchant, services.now());
        return json(full ? fullMerchantView(merchant, stars) : publicMerchantView(merchant, stars));
      },
    },
    ...partyRoutes(services),
  ];
};

/** The card plug-in's HTTP half. */
export const cardsHttp: PluginHttp = { routes: cardRoutes, docs: cardDocs };
