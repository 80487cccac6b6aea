/**
 * Where the card plug-in keeps its state, and the loaders that turn a missing
 * record into the SPEC code. Every value is bounded; nothing is ever found by
 * scanning. Keys:
 *
 *   card/<id>                  CardRecord
 *   card-log/<id>/<page>       number[]: indexes of the card's entries, CARD_LOG_PAGE per page
 *   card-request/<id>/<event>  RefundRequestRecord (event = the request's event id)
 *   merchant/<id>              MerchantRecord (absent until the merchant's first money or complaint event)
 *   complaint/<id>             ComplaintRecord
 *   merchant-card/<m>/<card>   1: the merchant's cards, for the closure claims listing
 *   party-merchant/<p>/<m>     1: merchant m names p as custodian or insurer (written when m registers)
 *   complaint-ix/all/<i>, complaint-ix/merchant/<m>/<i>, complaint-ix/card/<card>/<i>
 *                              complaint id, by filing index i (12 digits, so key order is filing order)
 *   rating/<m>                 PublishedRating: the last rating.publish that rated m
 *   merchant-disposals/<m>     number[]: indexes of m's merchant.dispose entries (its `merchant:<m>` subject)
 *
 * A merchant's tier, custodian and insurer live in its actor record (`actor/<id>`).
 */
import type { ActorRecord } from '../../schemas/actors.js';
import type { CardRecord, MerchantRecord, Tier } from '../../schemas/cards.js';
import { HOLDER_PREFIX } from '../../schemas/common.js';
import { getActor } from '../actors/index.js';
import type { EventContext, State } from '../domain/plugin.js';
import { ApiError } from '../errors.js';
import { requiredCustody } from './policy.js';

type Reader = Pick<State, 'get'>;

export const CARD_LOG_PAGE = 512;

export const cardKey = (card: string) => `card/${card}`;
export const cardLogKey = (card: string, page: number) => `card-log/${card}/${page}`;
export const refundRequestKey = (card: string, eventId: string) => `card-request/${card}/${eventId}`;
export const merchantKey = (merchant: string) => `merchant/${merchant}`;
export const complaintKey = (complaint: string) => `complaint/${complaint}`;

export const merchantCardKey = (merchant: string, card: string) => `merchant-card/${merchant}/${card}`;
export const partyMerchantKey = (party: string, merchant: string) => `party-merchant/${party}/${merchant}`;
export const ratingKey = (merchant: string) => `rating/${merchant}`;
export const merchantDisposalsKey = (merchant: string) => `merchant-disposals/${merchant}`;

/** The indexes of a merchant's disposals, ascending: the entries of its `merchant:<id>` subject. */
export const merchantDisposals = (state: Reader, merchant: string): number[] => state.get<number[]>(merchantDisposalsKey(merchant)) ?? [];
export const complaintIndexKeys = (c: { merchant: string; card?: string; filedIndex: number }): string[] => {
  const i = String(c.filedIndex).padStart(12, '0');
  return [`complaint-ix/all/${i}`, `complaint-ix/merchant/${c.merchant}/${i}`, ...(c.card ? [`complaint-ix/card/${c.card}/${i}`] : [])];
};

/** A card's and a merchant's subjects in the log's subject map (SPEC §12). */
export const cardSubject = (card: string): string => `card:${card}`;
export const merchantSubject = (merchant: string): string => `merchant:${merchant}`;

/** The actor id under which a card's holder signs (SPEC §2). */
export const holderActor = (card: string) => `${HOLDER_PREFIX}${card}`;

export interface RefundRequestRecord {
  id: string;
  card: string;
  amount: number;
  reason: string;
  at: string;
  index: number;
  /** Fen refunded by card.refund events that name this request. */
  refunded: number;
  lastRefundIndex?: number;
}

export interface ComplaintRecord {
  complaint: string;
  merchant: string;
  card?: string;
  category: string;
  ref12315?: string;
  status: 'open' | 'resolved';
  filedBy: string;
  filedAt: string;
  filedIndex: number;
  outcome?: string;
  refund?: number;
  resolvedBy?: string;
  resolvedAt?: string;
  resolvedIndex?: number;
  /** The merchant's latest response (complaint.respond) and how many it gave. */
  response?: { text: string; at: string; index: number };
  responses?: number;
}

/** The last rating.publish that rated a merchant. */
export interface PublishedRating {
  period: string;
  score: number;
  stars: number;
  by: string;
  at: string;
  index: number;
}

// ---- Cards --------------------------------------------------------------------------------

export const getCard = (state: Reader, card: string) => state.get<CardRecord>(cardKey(card));

/** The card, or 404 card_not_found. */
export const requireCard = (state: Reader, card: string): CardRecord => {
  const c = getCard(state, card);
  if (!c) throw new ApiError('card_not_found', `no card ${card} has been issued`);
  return c;
};

/**
 * Saves the card and records `index` as one of its entries (for the card read).
 * Every card event goes through here, so `entryCount` and the pages stay in step.
 */
export const saveCard = (state: State, card: CardRecord, ctx: Pick<EventContext, 'index' | 'concern'>): void => {
  const { index } = ctx;
  ctx.concern(cardSubject(card.card));
  const page = Math.floor(card.entryCount / CARD_LOG_PAGE);
  const indexes = state.get<number[]>(cardLogKey(card.card, page)) ?? [];
  indexes.push(index);
  state.put(cardLogKey(card.card, page), indexes);
  state.put(cardKey(card.card), { ...card, entryCount: card.entryCount + 1 } satisfies CardRecord);
};

/** Indexes of every entry about the card, ascending. */
export const cardEntryIndexes = (state: Reader, card: CardRecord): number[] => {
  const out: number[] = [];
  for (let page = 0; page * CARD_LOG_PAGE < card.entryCount; page++) out.push(...(state.get<number[]>(cardLogKey(card.card, page)) ?? []));
  return out;
};

// ---- Merchants ----------------------------------------------------------------------------

export interface Merchant {
  actor: ActorRecord;
  tier: Tier;
  custodian: string;
  insurer?: string;
  record: MerchantRecord;
}

export const emptyMerchantRecord = (merchant: string): MerchantRecord => ({
  merchant,
  status: 'active',
  outstanding: 0,
  custody: 0,
  required: 0,
  consumedUnreleased: 0,
  refundedUnreleased: 0,
  complaintsOpen: 0,
  complaintsTotal: 0,
  cards: 0,
  issued: 0,
  toppedUp: 0,
  consumed: 0,
  refunded: 0,
  compensated: 0,
  deposited: 0,
  releasedConsumption: 0,
  releasedRefund: 0,
  paidOut: 0,
  cardsWithBalance: 0,
  warnings: 0,
});

/** The merchant's card figures (`merchant/<id>`), without its actor record. */
export const getMerchantRecord = (state: Reader, id: string): MerchantRecord | undefined => state.get<MerchantRecord>(merchantKey(id));

/** The registered merchant `id` with its card state, or undefined when `id` is not a registered merchant. */
export const findMerchant = (state: Reader, id: string): Merchant | undefined => {
  const actor = getActor(state, id);
  if (!actor || actor.role !== 'merchant' || !actor.merchant) return undefined;
  const { tier, custodian, insurer } = actor.merchant;
  return { actor, tier, custodian, insurer, record: state.get<MerchantRecord>(merchantKey(id)) ?? emptyMerchantRecord(id) };
};

/** The merchant, or 404 not_found. */
export const requireMerchant = (state: Reader, id: string): Merchant => {
  const m = findMerchant(state, id);
  if (!m) throw new ApiError('not_found', `${id} is not a registered merchant`);
  return m;
};

/** Saves the merchant record with `required` recomputed from its outstanding balance and tier. */
export const saveMerchant = (state: State, merchant: Merchant, record: MerchantRecord): void => {
  state.put(merchantKey(record.merchant), {
    ...record,
    required: requiredCustody(merchant.tier, record.outstanding),
  } satisfies MerchantRecord);
};

// ---- Refund requests and complaints -------------------------------------------------------

export const getRefundRequest = (state: Reader, card: string, eventId: string) =>
  state.get<RefundRequestRecord>(refundRequestKey(card, eventId));

export const putRefundRequest = (state: State, r: RefundRequestRecord): void => state.put(refundRequestKey(r.card, r.id), r);

export const getComplaint = (state: Reader, complaint: string) => state.get<ComplaintRecord>(complaintKey(complaint));

export const putComplaint = (state: State, c: ComplaintRecord): void => state.put(complaintKey(c.complaint), c);
