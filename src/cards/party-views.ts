/**
 * The reads of SPEC §14 as pure functions over records: who may read what, and
 * the shapes answered. The HTTP handlers (routes.ts, party-routes.ts) only
 * fetch records, call these and send the result.
 */
import type { CardRecord, MerchantRecord } from '../../schemas/cards.js';
import type { Principal } from '../domain/plugin.js';
import { ApiError } from '../errors.js';
import { cardClaim, claimTotals, type Claim, type ClaimTotals } from './claims.js';
import { holderActor, type ComplaintRecord, type Merchant } from './state.js';

/** A complaint open for longer than this is marked overdue (the complaint-overdue rule's 7 × 24 h, SPEC §10). */
export const COMPLAINT_DUE_MS = 7 * 24 * 3600 * 1000;

/** The merchant's custodian or insurer: the parties that keep or insure its money. */
export const isMerchantParty = (p: Principal | undefined, m: Merchant): boolean =>
  !!p && ((p.role === 'custodian' && p.id === m.custodian) || (p.role === 'insurer' && p.id === m.insurer));

/** Who reads a merchant's full view: itself, regulators, its custodian and its insurer. */
export const readsFullMerchant = (p: Principal | undefined, m: Merchant): boolean =>
  !!p && (p.role === 'regulator' || p.id === m.actor.id || isMerchantParty(p, m));

/** Who reads a card: its holder, the issuing merchant, regulators; the insurer once the merchant it insures is closed. */
export const readsCard = (p: Principal, card: CardRecord, merchant: Merchant | undefined): boolean =>
  p.role === 'regulator' ||
  p.id === card.merchant ||
  p.id === holderActor(card.card) ||
  (p.role === 'insurer' && !!merchant && merchant.insurer === p.id && merchant.record.status === 'closed');

/** What a release of each purpose may take now without breaking SPEC §6: backed, and leaving custody ≥ required. */
export const releasable = (m: MerchantRecord): { consumption: number; refund: number } => {
  const room = Math.max(0, m.custody - m.required);
  return { consumption: Math.min(m.consumedUnreleased, room), refund: Math.min(m.refundedUnreleased, room) };
};

export interface ClaimsView {
  merchant: string;
  closedIndex: number | null;
  claims?: Claim[];
  totals: ClaimTotals;
  next?: string | null;
}

/**
 * How much of the claims a caller sees: `list` (regulators, the custodian, the
 * insurer), `own` (a holder of one of the merchant's cards: that card only) or
 * `totals` (anyone else, signed or not).
 */
export const claimsAccess = (p: Principal | undefined, m: Merchant, holderCard?: CardRecord): 'list' | 'own' | 'totals' => {
  if (p && (p.role === 'regulator' || isMerchantParty(p, m))) return 'list';
  if (p?.role === 'holder' && holderCard && holderCard.merchant === m.actor.id) return 'own';
  return 'totals';
};

/** The claims view from the cards a page of the merchant's card index names. */
export const claimsView = (m: Merchant, cards: CardRecord[] | undefined, next?: string | null): ClaimsView => ({
  merchant: m.actor.id,
  closedIndex: m.record.closure?.index ?? null,
  ...(cards && {
    claims: cards.map((c) => cardClaim(c, m.record)).filter((c): c is Claim => c !== undefined),
  }),
  totals: claimTotals(m.record),
  ...(next !== undefined && { next }),
});

export interface ComplaintQuery {
  merchant?: string;
  card?: string;
  status?: 'open' | 'resolved';
}

/**
 * Narrows a complaint query to what the caller may list (SPEC §14): regulators
 * all; a merchant its own (merchant defaults to itself); a holder its card's
 * (card defaults to its own). Anything wider is 403.
 */
export const scopeComplaints = (p: Principal, q: ComplaintQuery): ComplaintQuery => {
  if (p.role === 'regulator' || p.role === 'auditor') return q;
  if (p.role === 'merchant') {
    if (q.merchant !== undefined && q.merchant !== p.id) throw new ApiError('forbidden', `${p.id} may list only complaints about itself`);
    return { ...q, merchant: p.id };
  }
  if (p.role === 'holder') {
    const own = p.id.slice('card:'.length);
    if (q.card !== undefined && q.card !== own) throw new ApiError('forbidden', `${p.id} may list only complaints about card ${own}`);
    return { ...q, card: own };
  }
  throw new ApiError('forbidden', `${p.id} (${p.role}) may not list complaints`);
};

/** The state index a scoped query walks, newest first. */
export const complaintPrefix = (q: ComplaintQuery): string =>
  q.card !== undefined
    ? `complaint-ix/card/${q.card}/`
    : q.merchant !== undefined
      ? `complaint-ix/merchant/${q.merchant}/`
      : 'complaint-ix/all/';

export const matchesComplaint = (c: ComplaintRecord, q: ComplaintQuery): boolean =>
  (q.merchant === undefined || c.merchant === q.merchant) &&
  (q.card === undefined || c.card === q.card) &&
  (q.status === undefined || c.status === q.status);

/** A complaint as listed: its record, the summary from its filing entry, and whether it is overdue now. */
export const complaintView = (c: ComplaintRecord, summary: string | undefined, nowMs: number) => ({
  ...c,
  ...(summary !== undefined && { summary }),
  responses: c.responses ?? 0,
  overdue: c.status === 'open' && nowMs - Date.parse(c.filedAt) > COMPLAINT_DUE_MS,
});

/** Who reads an event's receipt: its actor, regulators, and the holder of the card the event is about. */
export const readsReceipt = (p: Principal, event: { actor: string; body: unknown }): boolean => {
  if (p.role === 'regulator' || p.id === event.actor) return true;
  const card = (event.body as { card?: unknown } | null)?.card;
  return p.role === 'holder' && typeof card === 'string' && p.id === holderActor(card);
};
