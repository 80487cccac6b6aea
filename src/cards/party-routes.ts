/**
 * The reads of the card's other parties (SPEC §14), thin handlers over
 * party-views.ts:
 *   GET /v1/merchants/{id}/claims        totals for anyone; the list for regulators, the custodian, the insurer; a holder its card
 *   GET /v1/merchants/{id}/rating        the last published rating with its ledger proof, beside the live score (public)
 *   GET /v1/custodians/{id}/merchants    the custodian (and regulators): its merchants' full views with releasable and claim totals
 *   GET /v1/insurers/{id}/merchants      the insurer (and regulators): the same, for the merchants it insures
 *   GET /v1/complaints                   regulators all, a merchant its own, a holder its card's
 *   GET /v1/events/{actor}/{id}          the receipt, to its actor, the card's holder and regulators
 */
import { z } from 'zod';
import type { CardRecord } from '../../schemas/cards.js';
import { actorId, actorRef, eventId, id } from '../../schemas/common.js';
import type { State } from '../domain/plugin.js';
import { ApiError } from '../errors.js';
import { allow } from '../http/auth.js';
import { parseInput, queryInt } from '../http/params.js';
import type { Services } from '../http/plugin-http.js';
import { json, type Route } from '../http/route.js';
import { rateMerchant } from '../regulator/index.js';
import { getActor } from '../actors/index.js';
import {
  claimsAccess,
  claimsView,
  complaintPrefix,
  complaintView,
  matchesComplaint,
  readsReceipt,
  releasable,
  scopeComplaints,
} from './party-views.js';
import { claimTotals } from './claims.js';
import { fullMerchantView } from './views.js';
import { findMerchant, getCard, getComplaint, ratingKey, type Merchant, type PublishedRating } from './state.js';

const MAX_LIMIT = 1000;
/** A listing reads at most this many index rows per request (filters that skip rows still answer promptly). */
const MAX_SCAN = 5000;

/**
 * The rating read of a merchant: the live score, and the last publication that
 * rated it with its entry and an inclusion proof against the current checkpoint.
 * Shared by GET /v1/merchants/{id}/rating and the /m/{id} page.
 */
export const ratingView = async (services: Pick<Services, 'ledger' | 'now'>, merchant: Merchant) => {
  const { ledger } = services;
  const view: Pick<State, 'get'> = { get: (k) => ledger.get(k) };
  const { rating } = rateMerchant(view, merchant, services.now());
  const live = { score: rating.score, stars: rating.stars };
  const merchantId = merchant.actor.id;
  const published = view.get<PublishedRating>(ratingKey(merchantId));
  if (!published) return { merchant: merchantId, live, published: null };
  const checkpoint = ledger.checkpoint;
  const entry = ledger.entry(published.index)!;
  const path = await ledger.proveInclusion(published.index, checkpoint.size);
  return { merchant: merchantId, live, published: { ...published, entry, proof: { size: checkpoint.size, path }, checkpoint } };
};

export type RatingView = Awaited<ReturnType<typeof ratingView>>;

export const partyRoutes = (services: Services): Route[] => {
  const { ledger } = services;
  const view: Pick<State, 'get'> = { get: (k) => ledger.get(k) };
  const requireMerchant = (merchantId: string) => {
    const merchant = findMerchant(view, merchantId);
    if (!merchant) throw new ApiError('not_found', `${merchantId} is not a registered merchant`);
    return merchant;
  };

  return [
    {
      method: 'GET',
      path: '/v1/merchants/{id}/claims',
      auth: 'optional',
      rate: 'expensive',
      handle: async (req) => {
        const { id: merchantId } = parseInput(z.object({ id }), req.params, 'path');
        const q = parseInput(z.object({ after: id.optional(), limit: queryInt.optional() }), req.query, 'query');
        const merchant = requireMerchant(merchantId);
        const p = req.principal;
        const holderCard = p?.role === 'holder' ? getCard(view, p.id.slice('card:'.length)) : undefined;
        const access = claimsAccess(p, merchant, holderCard);
        if (access === 'totals') return json(claimsView(merchant, undefined));
        if (access === 'own') return json(claimsView(merchant, [holderCard!]));
        const limit = Math.min(q.limit ?? 100, MAX_LIMIT);
        const prefix = `merchant-card/${merchantId}/`;
        const cards: CardRecord[] = [];
        let last: string | undefined;
        let more = false;
        for await (const { key } of ledger.scan(prefix, { ...(q.after !== undefined && { gt: q.after }), limit: limit + 1 })) {
          if (cards.length === limit) {
            more = true;
            break;
          }
          const cardId = key.slice(prefix.length);
          const card = getCard(view, cardId);
          if (card) cards.push(card);
          last = cardId;
        }
        const next =
          more && last ? `/v1/merchants/${encodeURIComponent(merchantId)}/claims?after=${encodeURIComponent(last)}&limit=${limit}` : null;
        return json(claimsView(merchant, cards, next));
      },
    },
    {
      method: 'GET',
      path: '/v1/merchants/{id}/rating',
      auth: 'none',
      handle: async (req) => {
        const { id: merchantId } = parseInput(z.object({ id }), req.params, 'path');
        return json(await ratingView(services, requireMerchant(merchantId)));
      },
    },
    ...(['custodian', 'insurer'] as const).map((role): Route => ({
      method: 'GET',
      path: `/v1/${role}s/{id}/merchants`,
      auth: 'required',
      rate: 'expensive',
      handle: async (req) => {
        const { id: party } = parseInput(z.object({ id: actorId }), req.params, 'path');
        const p = allow(req.principal, ['regulator', role]);
        if (p.role !== 'regulator' && p.id !== party) throw new ApiError('forbidden', `${p.id} may read only its own merchants`);
        if (getActor(view, party)?.role !== role) throw new ApiError('not_found', `${party} is not a registered ${role}`);
        const now = services.now();
        const prefix = `party-merchant/${party}/`;
        const merchants = [];
        for await (const { key } of ledger.scan(prefix)) {
          const merchant = findMerchant(view, key.slice(prefix.length));
          if (!merchant || (role === 'custodian' ? merchant.custodian : merchant.insurer) !== party) continue;
          const { rating } = rateMerchant(view, merchant, now);
          merchants.push({
            ...fullMerchantView(merchant, rating.stars),
            releasable: releasable(merchant.record),
            claims: claimTotals(merchant.record),
          });
        }
        return json({ [role]: party, merchants });
      },
    })),
    {
      method: 'GET',
      path: '/v1/complaints',
      auth: 'required',
      rate: 'expensive',
      handle: async (req) => {
        const q = parseInput(
          z.object({
            merchant: actorId.optional(),
            card: id.optional(),
            status: z.enum(['open', 'resolved']).optional(),
            before: z
              .string()
              .regex(/^\d{12}$/, 'must be the 12-digit cursor of a previous page')
              .optional(),
            limit: queryInt.optional(),
          }),
          req.query,
          'query',
        );
        const scope = scopeComplaints(allow(req.principal, ['regulator', 'auditor', 'merchant', 'holder']), q);
        const limit = Math.min(q.limit ?? 50, MAX_LIMIT);
        const prefix = complaintPrefix(scope);
        const now = services.now();
        const complaints = [];
        let scanned = 0;
        let cursor: string | undefined;
        let more = false;
        for await (const { key, value } of ledger.scan<string>(prefix, {
          reverse: true,
          ...(q.before !== undefined && { lt: q.before }),
        })) {
          if (complaints.length === limit || scanned === MAX_SCAN) {
            more = true;
            break;
          }
          scanned++;
          cursor = key.slice(prefix.length);
          const c = getComplaint(view, value);
          if (!c || !matchesComplaint(c, scope)) continue;
          const summary = (ledger.entry(c.filedIndex)?.event.body as { summary?: string } | undefined)?.summary;
          complaints.push(complaintView(c, summary, now));
        }
        const params = new URLSearchParams({
          ...(q.merchant !== undefined && { merchant: q.merchant }),
          ...(q.card !== undefined && { card: q.card }),
          ...(q.status !== undefined && { status: q.status }),
          before: cursor ?? '',
          limit: String(limit),
        });
        return json({ complaints, next: more && cursor ? `/v1/complaints?${params}` : null });
      },
    },
    {
      method: 'GET',
      path: '/v1/events/{actor}/{id}',
      auth: 'required',
      handle: async (req) => {
        const params = parseInput(z.object({ actor: actorRef, id: eventId }), req.params, 'path');
        const p = allow(req.principal, ['regulator', 'holder'], (who) => who.id === params.actor);
        const index = ledger.findEvent(params.actor, params.id);
        if (index === undefined) throw new ApiError('not_found', `${params.actor} has posted no event ${params.id}`);
        await ledger.durable(index);
        const entry = ledger.entry(index)!;
        if (!readsReceipt(p, entry.event))
          throw new ApiError('forbidden', `only the event's actor, the card's holder and regulators may read it`);
        return json(ledger.receipt(index));
      },
    },
  ];
};
