/**
 * The reads of the card's other parties (SPEC §14), thin handlers over
 * party-views.ts:
 *   GET /v1/merchants/{id}/claims        totals for anyone; the list for regulators, the custodian, the insurer; a holder its card
 *   GET /v1/merchants/{id}/rating        the last published rating with its ledger proof, beside the live score (public)
 *   GET /v1/custodians/{id}/merchants    the custodian (and regulators): its merchants' full views with releasable
 *   GET /v1/complaints                   regulators all, a merchant its own, a holder its card's
 *   GET /v1/events/{actor}/{id}          the receipt, to its actor, the card's holder and regulators
 */
import { Router } from 'express';
import { z } from 'zod';
import type { CardRecord } from '../../schemas/cards.js';
import { actorId, actorRef, eventId, id } from '../../schemas/common.js';
import type { Services, State } from '../domain/plugin.js';
import { ApiError } from '../errors.js';
import { allow, principalOf } from '../http/auth.js';
import { parseInput, queryInt } from '../http/params.js';
import { rateMerchant } from '../regulator/merchant-rating.js';
import { getActor } from '../actors/rules.js';
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
import { fullMerchantView } from './views.js';
import { findMerchant, getCard, getComplaint, ratingKey, type PublishedRating } from './state.js';

const MAX_LIMIT = 1000;
/** A listing reads at most this many index rows per request (filters that skip rows still answer promptly). */
const MAX_SCAN = 5000;

const requireMerchant = (view: Pick<State, 'get'>, merchantId: string) => {
  const merchant = findMerchant(view, merchantId);
  if (!merchant) throw new ApiError('not_found', `${merchantId} is not a registered merchant`);
  return merchant;
};

export const partyRoutes = (services: Services): Router => {
  const { ledger } = services;
  const view: Pick<State, 'get'> = { get: (k) => ledger.get(k) };
  const r = Router();

  r.get('/merchants/:id/claims', services.maybeSigned, async (req, res) => {
    const { id: merchantId } = parseInput(z.object({ id }), req.params, 'path');
    const q = parseInput(z.object({ after: id.optional(), limit: queryInt.optional() }), req.query, 'query');
    const merchant = requireMerchant(view, merchantId);
    const p = principalOf(res);
    const holderCard = p?.role === 'holder' ? getCard(view, p.id.slice('card:'.length)) : undefined;
    const access = claimsAccess(p, merchant, holderCard);
    if (access === 'totals') return void res.json(claimsView(merchant, undefined));
    if (access === 'own') return void res.json(claimsView(merchant, [holderCard!]));
    const limit = Math.min(q.limit ?? 100, MAX_LIMIT);
    const cards: CardRecord[] = [];
    let last: string | undefined;
    let more = false;
    for await (const { key } of ledger.scan(`merchant-card/${merchantId}/`, {
      ...(q.after !== undefined && { gt: q.after }),
      limit: limit + 1,
    })) {
      const cardId = key.slice(`merchant-card/${merchantId}/`.length);
      if (cards.length === limit) {
        more = true;
        break;
      }
      const card = getCard(view, cardId);
      if (card) cards.push(card);
      last = cardId;
    }
    const next =
      more && last ? `/v1/merchants/${encodeURIComponent(merchantId)}/claims?after=${encodeURIComponent(last)}&limit=${limit}` : null;
    res.json(claimsView(merchant, cards, next));
  });

  r.get('/merchants/:id/rating', async (req, res) => {
    const { id: merchantId } = parseInput(z.object({ id }), req.params, 'path');
    const merchant = requireMerchant(view, merchantId);
    const { rating } = rateMerchant(view, merchant, services.now());
    const published = view.get<PublishedRating>(ratingKey(merchantId));
    if (!published) return void res.json({ merchant: merchantId, live: { score: rating.score, stars: rating.stars }, published: null });
    const checkpoint = ledger.checkpoint;
    const entry = ledger.entry(published.index);
    const path = await ledger.proveInclusion(published.index, checkpoint.size);
    res.json({
      merchant: merchantId,
      live: { score: rating.score, stars: rating.stars },
      published: { ...published, entry, proof: { size: checkpoint.size, path }, checkpoint },
    });
  });

  r.get('/custodians/:id/merchants', services.signed, async (req, res) => {
    const { id: custodian } = parseInput(z.object({ id: actorId }), req.params, 'path');
    const p = allow(res, ['regulator', 'custodian']);
    if (p.role !== 'regulator' && p.id !== custodian) throw new ApiError('forbidden', `${p.id} may read only its own merchants`);
    if (getActor(view, custodian)?.role !== 'custodian') throw new ApiError('not_found', `${custodian} is not a registered custodian`);
    const now = services.now();
    const merchants = [];
    for await (const { key } of ledger.scan(`party-merchant/${custodian}/`)) {
      const merchant = findMerchant(view, key.slice(`party-merchant/${custodian}/`.length));
      if (!merchant || merchant.custodian !== custodian) continue;
      const { rating } = rateMerchant(view, merchant, now);
      merchants.push({ ...fullMerchantView(merchant, rating.stars), releasable: releasable(merchant.record) });
    }
    res.json({ custodian, merchants });
  });

  r.get('/complaints', services.signed, async (req, res) => {
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
    const scope = scopeComplaints(allow(res, ['regulator', 'merchant', 'holder']), q);
    const limit = Math.min(q.limit ?? 50, MAX_LIMIT);
    const prefix = complaintPrefix(scope);
    const now = services.now();
    const complaints = [];
    let scanned = 0;
    let cursor: string | undefined;
    let more = false;
    for await (const { key, value } of ledger.scan<string>(prefix, { reverse: true, ...(q.before !== undefined && { lt: q.before }) })) {
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
    res.json({ complaints, next: more && cursor ? `/v1/complaints?${params}` : null });
  });

  r.get('/events/:actor/:id', services.signed, async (req, res) => {
    const params = parseInput(z.object({ actor: actorRef, id: eventId }), req.params, 'path');
    const p = allow(res, ['regulator', 'holder'], (who) => who.id === params.actor);
    const index = ledger.findEvent(params.actor, params.id);
    if (index === undefined) throw new ApiError('not_found', `${params.actor} has posted no event ${params.id}`);
    await ledger.durable(index);
    const entry = ledger.entry(index)!;
    if (!readsReceipt(p, entry.event))
      throw new ApiError('forbidden', `only the event's actor, the card's holder and regulators may read it`);
    res.json(ledger.receipt(index));
  });

  return r;
};
