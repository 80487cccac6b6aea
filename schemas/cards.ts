/**
 * Prepaid cards (SPEC §6): event bodies, the state kept per card and per
 * merchant, the read views and their route descriptions. Money is integer fen.
 */
import { z } from 'zod';
import { freeText } from './pii.js';
import { actorId, actorRef, eventId, hash, id, money, publicKey, timestamp } from './common.js';
import { checkpoint, completeness, entry, receipt } from './envelope.js';
import { tier } from './actors.js';

export type Tier = z.infer<typeof tier>;
import type { RouteDoc } from './routes.js';

export const CARD_KINDS = ['named', 'anonymous'] as const;
export const cardKind = z.enum(CARD_KINDS);
export type CardKind = z.infer<typeof cardKind>;
export const payment = z.enum(['cash', 'transfer', 'card', 'mobile']);
export type Payment = z.infer<typeof payment>;
export const purchaser = z.enum(['person', 'company']);
export type Purchaser = z.infer<typeof purchaser>;
export const MERCHANT_STATUSES = ['active', 'suspendedIssuing', 'closed'] as const;
export const merchantStatus = z.enum(MERCHANT_STATUSES);
export type MerchantStatus = z.infer<typeof merchantStatus>;
export const DISPOSAL_ACTIONS = ['warn', 'suspendIssuing', 'reinstate', 'close'] as const;

/** A bank or payment reference for a custody movement (no personal data). */
const reference = z.string().min(1).max(200);
const reason = freeText(1, 500);
/** Non-negative fen, for running totals. */
const fen = z.number().int().nonnegative();
const count = z.number().int().nonnegative();

// ---- Event bodies -------------------------------------------------------------------------

export const cardIssue = z
  .strictObject({
    card: id,
    kind: cardKind,
    amount: money,
    holderKey: publicKey.optional().meta({ description: "the holder's Ed25519 key: it co-signs consumption and signs as card:<id>" }),
    holderRef: hash.optional().meta({ description: 'hex SHA-256 of a salted identity kept off the ledger; required for named cards' }),
    payment,
    purchaser,
  })
  // Named cards are tied to an identity (by reference); anonymous cards must not be.
  .superRefine((b, ctx) => namedNeedsRef(b, ctx))
  .meta({ id: 'CardIssueBody', description: 'With a holderKey, cosig.holder is required: the holder proves the key at issue.' });
export type CardIssueBody = z.infer<typeof cardIssue>;

/** Named cards carry a holderRef; anonymous cards must not (docs/CARDS.md, decision 5). */
const namedNeedsRef = (b: { kind: CardKind; holderRef?: string }, ctx: z.RefinementCtx) => {
  if (b.kind === 'named' && b.holderRef === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['holderRef'],
      message: 'is required for a named card (hex SHA-256 of the salted identity, kept off the ledger)',
    });
  if (b.kind === 'anonymous' && b.holderRef !== undefined)
    ctx.addIssue({ code: 'custom', path: ['holderRef'], message: 'must be absent for an anonymous card; issue a named card instead' });
};

export const cardImport = z
  .strictObject({
    card: id,
    kind: cardKind,
    balance: money.meta({ description: 'the balance the card brings onto the platform (fen)' }),
    issuedAt: timestamp.meta({ description: 'when the merchant first sold the card, in the past; cooling-off counts from it' }),
    holderKey: publicKey.optional().meta({ description: "the holder's Ed25519 key; the import must then carry cosig.holder" }),
    holderRef: hash.optional(),
    payment,
    purchaser,
  })
  .superRefine(namedNeedsRef)
  .meta({
    id: 'CardImportBody',
    description: "A card sold before the merchant joined, brought within 30 days of the merchant's registration (SPEC §14).",
  });
export type CardImportBody = z.infer<typeof cardImport>;

export const cardTransfer = z
  .strictObject({
    card: id,
    newHolderKey: publicKey,
    newHolderRef: hash
      .optional()
      .meta({ description: "the new holder's salted identity hash (named cards); the old one is kept when absent" }),
  })
  .meta({ id: 'CardTransferBody', description: 'Posted by the holder (card:<id>) and co-signed by the new key as cosig.newHolder.' });
export type CardTransferBody = z.infer<typeof cardTransfer>;

export const cardRekey = z.strictObject({ card: id, newHolderKey: publicKey, reason }).meta({
  id: 'CardRekeyBody',
  description: 'A new holder key for a holder who lost theirs; by the issuing merchant or a regulator, co-signed as cosig.newHolder.',
});
export type CardRekeyBody = z.infer<typeof cardRekey>;

export const cardTopup = z.strictObject({ card: id, amount: money, payment }).meta({ id: 'CardTopupBody' });
export type CardTopupBody = z.infer<typeof cardTopup>;

export const cardConsume = z
  .strictObject({ card: id, amount: money, order: z.string().min(1).max(100).optional() })
  .meta({ id: 'CardConsumeBody', description: 'Needs cosig.holder when the card has a holderKey.' });
export type CardConsumeBody = z.infer<typeof cardConsume>;

export const REFUND_REASONS = ['coolingOff', 'closure', 'service', 'other'] as const;
export const cardRefundRequest = z
  .strictObject({ card: id, amount: money, reason: z.enum(REFUND_REASONS) })
  .meta({ id: 'CardRefundRequestBody', description: 'Posted by the holder, actor card:<id>.' });
export type CardRefundRequestBody = z.infer<typeof cardRefundRequest>;

export const cardRefund = z
  .strictObject({
    card: id,
    amount: money,
    request: eventId.optional().meta({ description: 'the event id of the refund request it answers' }),
  })
  .meta({
    id: 'CardRefundBody',
    description:
      'On a card with a holderKey: cosig.holder, or `request` naming a refund request of the card with at least this amount left.',
  });
export type CardRefundBody = z.infer<typeof cardRefund>;

export const custodyDeposit = z.strictObject({ merchant: actorId, amount: money, ref: reference }).meta({ id: 'CustodyDepositBody' });
export type CustodyDepositBody = z.infer<typeof custodyDeposit>;

export const RELEASE_PURPOSES = ['consumption', 'refund'] as const;
export const custodyRelease = z
  .strictObject({ merchant: actorId, amount: money, purpose: z.enum(RELEASE_PURPOSES), ref: reference })
  .meta({ id: 'CustodyReleaseBody' });
export type CustodyReleaseBody = z.infer<typeof custodyRelease>;

export const COMPLAINT_CATEGORIES = ['refund', 'closure', 'service', 'fraud', 'other'] as const;
export const complaintFile = z
  .strictObject({
    complaint: id,
    merchant: actorId,
    card: id.optional(),
    category: z.enum(COMPLAINT_CATEGORIES),
    summary: freeText(1, 500),
    ref12315: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,40}$/, 'must be the 12315 complaint number (letters, digits, -)')
      .optional()
      .meta({ description: 'the national 12315 complaint number, when the complaint came that way' }),
  })
  .meta({ id: 'ComplaintFileBody', description: 'No personal data in summary: the log is public to regulators forever.' });
export type ComplaintFileBody = z.infer<typeof complaintFile>;

export const complaintRespond = z
  .strictObject({ complaint: id, response: freeText(1, 500) })
  .meta({ id: 'ComplaintRespondBody', description: "The merchant's answer to an open complaint about it. No personal data." });
export type ComplaintRespondBody = z.infer<typeof complaintRespond>;

export const complaintResolve = z
  .strictObject({
    complaint: id,
    outcome: z.enum(['upheld', 'rejected', 'mediated']),
    refund: money.optional().meta({ description: 'informational; money moves by card.refund' }),
  })
  .meta({ id: 'ComplaintResolveBody' });
export type ComplaintResolveBody = z.infer<typeof complaintResolve>;

export const merchantDispose = z
  .strictObject({ merchant: actorId, action: z.enum(DISPOSAL_ACTIONS), reason })
  .meta({ id: 'MerchantDisposeBody' });
export type MerchantDisposeBody = z.infer<typeof merchantDispose>;

export const insuranceCompensate = z.strictObject({ merchant: actorId, card: id, amount: money }).meta({ id: 'InsuranceCompensateBody' });
export type InsuranceCompensateBody = z.infer<typeof insuranceCompensate>;

export const custodyPayout = z
  .strictObject({ merchant: actorId, card: id, amount: money, ref: reference })
  .meta({ id: 'CustodyPayoutBody', description: "The custodian pays a closed merchant's card holder out of custody (SPEC §14)." });
export type CustodyPayoutBody = z.infer<typeof custodyPayout>;

export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
export const ratingPublish = z
  .strictObject({
    period: z.string().regex(PERIOD_PATTERN, 'must be a month, YYYY-MM'),
    ratings: z
      .array(z.strictObject({ merchant: actorId, score: z.number().int().min(0).max(100), stars: z.number().int().min(1).max(5) }))
      .min(1)
      .max(500),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.ratings.forEach((r, i) => {
      if (seen.has(r.merchant)) ctx.addIssue({ code: 'custom', path: ['ratings', i, 'merchant'], message: `${r.merchant} is rated twice` });
      seen.add(r.merchant);
    });
  })
  .meta({ id: 'RatingPublishBody', description: "A regulator's signed, dated rating of merchants for a month (at most 500 per event)." });
export type RatingPublishBody = z.infer<typeof ratingPublish>;

/** Every card event type's body schema by type name: the rules register exactly these (a test checks), and the anomaly observer's event union is inferred from them. */
export const CARD_EVENT_BODIES = {
  'card.issue': cardIssue,
  'card.import': cardImport,
  'card.topup': cardTopup,
  'card.consume': cardConsume,
  'card.refundRequest': cardRefundRequest,
  'card.refund': cardRefund,
  'card.transfer': cardTransfer,
  'card.rekey': cardRekey,
  'custody.deposit': custodyDeposit,
  'custody.release': custodyRelease,
  'custody.payout': custodyPayout,
  'complaint.file': complaintFile,
  'complaint.respond': complaintRespond,
  'complaint.resolve': complaintResolve,
  'merchant.dispose': merchantDispose,
  'insurance.compensate': insuranceCompensate,
  'rating.publish': ratingPublish,
} as const;

// ---- State --------------------------------------------------------------------------------

/** `card/<id>`. Invariant: balance = issued + toppedUp − consumed − refunded − compensated − paidOut ≥ 0. */
export const cardRecord = z
  .object({
    card: id,
    merchant: id,
    kind: cardKind,
    holderKey: publicKey.optional(),
    holderRef: hash.optional(),
    purchaser,
    balance: fen,
    issued: fen,
    toppedUp: fen,
    consumed: fen,
    refunded: fen,
    compensated: fen,
    paidOut: fen.meta({ description: "paid to the holder out of custody after the merchant's closure (custody.payout)" }),
    closureRefunds: fen.optional().meta({ description: "refunded after the merchant's closure (part of the closure claim's payment)" }),
    imported: z.boolean().optional().meta({ description: 'true when the card came onto the platform by card.import' }),
    status: z.enum(['active', 'empty']).meta({ description: 'empty while the balance is 0 (a top-up makes it active again)' }),
    issuedAt: timestamp,
    issuedIndex: count,
    entryCount: count.meta({ description: 'how many ledger entries concern this card' }),
  })
  .meta({ id: 'Card' });
export type CardRecord = z.infer<typeof cardRecord>;

/**
 * `merchant/<id>`: the SPEC §6 figures plus the running totals they come from.
 * Invariants: outstanding = Σ card balances = issued + toppedUp − consumed − refunded − compensated − paidOut;
 * custody = deposited − releasedConsumption − releasedRefund − paidOut; consumedUnreleased = consumed − releasedConsumption;
 * refundedUnreleased = refunded − releasedRefund; required = ceil(pct(tier) × outstanding / 100).
 */
export const merchantRecord = z.object({
  merchant: id,
  status: merchantStatus,
  outstanding: fen,
  custody: fen,
  required: fen,
  consumedUnreleased: fen,
  refundedUnreleased: fen,
  complaintsOpen: count,
  complaintsTotal: count,
  cards: count,
  issued: fen,
  toppedUp: fen,
  consumed: fen,
  refunded: fen,
  compensated: fen,
  deposited: fen,
  releasedConsumption: fen,
  releasedRefund: fen,
  paidOut: fen,
  /** Cards whose balance is above 0. */
  cardsWithBalance: count,
  warnings: count,
  /** Set by merchant.dispose close: the closure claims are the balances at that entry (SPEC §14). */
  closure: z.object({ index: count, at: timestamp, cards: count, claim: fen, refundedBefore: fen }).optional(),
  lastDisposal: z.object({ action: z.enum(DISPOSAL_ACTIONS), reason: z.string(), index: count, at: timestamp }).optional(),
});
export type MerchantRecord = z.infer<typeof merchantRecord>;

// ---- Views --------------------------------------------------------------------------------

export const cardView = z
  .object({
    card: cardRecord,
    entries: z.array(entry).meta({ description: "the card's entries in index order" }),
    merchantEntries: z.array(entry).meta({ description: "the issuing merchant's disposals (merchant.dispose) in index order" }),
    checkpoint,
    proofs: z.record(z.string(), z.array(hash)).meta({ description: 'RFC 9162 inclusion proof of each entry index against checkpoint' }),
    completeness,
  })
  .meta({ id: 'CardView' });

export const merchantPublic = z
  .object({
    id,
    name: z.string(),
    tier,
    status: merchantStatus,
    stars: z.number().int().min(1).max(5),
    custodyOk: z.boolean().meta({ description: 'custody ≥ required' }),
    complaintsOpen: count,
  })
  .meta({ id: 'MerchantPublic' });
export type MerchantPublic = z.infer<typeof merchantPublic>;

export const merchantFull = merchantPublic
  .extend({
    outstanding: fen,
    custody: fen,
    required: fen,
    consumedUnreleased: fen,
    refundedUnreleased: fen,
    complaintsTotal: count,
  })
  .meta({ id: 'Merchant' });
export type MerchantFull = z.infer<typeof merchantFull>;

const paid = z
  .object({ custody: fen, insurance: fen, refund: fen })
  .meta({ description: 'paid on the claim since the closure: custody payouts, insurer compensation, refunds' });
const claimTotalsSchema = z.object({ cards: count, claim: fen, paid, outstanding: fen });
export const claimsViewSchema = z
  .object({
    merchant: id,
    closedIndex: count.nullable().meta({ description: 'the index of the close entry; null while the merchant is not closed' }),
    claims: z
      .array(z.object({ card: id, claim: fen, paid, outstanding: fen }))
      .optional()
      .meta({ description: 'regulators, the custodian and the insurer: every claim (paged); a holder: its own card; others: absent' }),
    totals: claimTotalsSchema.meta({ description: 'claim = paid (all three) + outstanding' }),
    next: z.string().nullable().optional(),
  })
  .meta({ id: 'Claims' });

const score = z.object({ score: z.number().int().min(0).max(100), stars: z.number().int().min(1).max(5) });
export const ratingViewSchema = z
  .object({
    merchant: id,
    live: score.meta({ description: 'the score computed now (RATING.md)' }),
    published: score
      .extend({
        period: z.string(),
        by: id,
        at: timestamp,
        index: count,
        entry,
        proof: z.object({ size: count, path: z.array(hash) }),
        checkpoint,
      })
      .nullable()
      .meta({ description: 'the last rating.publish that rated the merchant, its entry and an inclusion proof against checkpoint' }),
  })
  .meta({ id: 'PublishedRatingView' });

const partyMerchant = merchantFull.extend({
  releasable: z
    .object({ consumption: fen, refund: fen })
    .meta({ description: 'what one custody.release of each purpose may take now: backed, and leaving custody ≥ required' }),
  claims: claimTotalsSchema.meta({ description: "the closure claims' totals (all zero before a closure)" }),
});

export const custodianMerchantsSchema = z.object({ custodian: id, merchants: z.array(partyMerchant) }).meta({ id: 'CustodianMerchants' });

export const insurerMerchantsSchema = z.object({ insurer: id, merchants: z.array(partyMerchant) }).meta({ id: 'InsurerMerchants' });

export const complaintListSchema = z
  .object({
    complaints: z.array(
      z.object({
        complaint: id,
        merchant: id,
        card: id.optional(),
        category: z.enum(COMPLAINT_CATEGORIES),
        ref12315: z.string().optional(),
        summary: z.string().optional(),
        status: z.enum(['open', 'resolved']),
        filedBy: actorRef,
        filedAt: timestamp,
        filedIndex: count,
        outcome: z.string().optional(),
        refund: fen.optional(),
        resolvedBy: id.optional(),
        resolvedAt: timestamp.optional(),
        resolvedIndex: count.optional(),
        response: z
          .object({ text: z.string(), at: timestamp, index: count })
          .optional()
          .meta({ description: "the merchant's latest response" }),
        responses: count,
        overdue: z.boolean().meta({ description: 'open for more than 7 × 24 h now' }),
      }),
    ),
    next: z.string().nullable(),
  })
  .meta({ id: 'ComplaintList' });

export const cardDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/cards/{card}',
    tag: 'cards',
    summary: "A card's state and its entries, each with an inclusion proof against one checkpoint",
    description:
      'For the holder (RFC 9421 with keyid="card:<id>"), the issuing merchant and regulators. ' +
      'Every index in `entries` has a proof in `proofs` against `checkpoint`.',
    auth: 'signed',
    params: z.object({ card: id }),
    responses: { 200: { description: 'The card', schema: cardView } },
    errors: ['invalid_request', 'unauthenticated', 'forbidden', 'card_not_found'],
  },
  {
    method: 'get',
    path: '/v1/merchants/{id}',
    tag: 'cards',
    summary: 'A merchant: public view for anyone, full figures for the merchant itself and regulators',
    description:
      'Unsigned or signed by anyone else: the public view. Signed by the merchant or a regulator: the full view, ' +
      'which adds outstanding, custody, required, consumedUnreleased, refundedUnreleased and complaintsTotal.',
    auth: 'optional',
    params: z.object({ id }),
    responses: { 200: { description: 'The merchant (public or full view)', schema: z.union([merchantFull, merchantPublic]) } },
    errors: ['invalid_request', 'unauthenticated', 'not_found'],
  },
  {
    method: 'get',
    path: '/v1/merchants/{id}/claims',
    tag: 'cards',
    summary: "A closed merchant's closure claims and how far they are paid (SPEC §14)",
    description:
      'Totals for anyone; the list for regulators, the custodian and the insurer (paged by `after` = the last card id, ' +
      '`limit` ≤ 1000); a holder (keyid="card:<id>") sees its own card.',
    auth: 'optional',
    params: z.object({ id }),
    query: z.object({ after: id.optional(), limit: z.string().optional() }),
    responses: { 200: { description: 'The claims', schema: claimsViewSchema } },
    errors: ['invalid_request', 'unauthenticated', 'not_found'],
  },
  {
    method: 'get',
    path: '/v1/merchants/{id}/rating',
    tag: 'cards',
    summary: 'The last published rating of a merchant with its ledger proof, beside the live score',
    auth: 'public',
    params: z.object({ id }),
    responses: { 200: { description: 'The rating', schema: ratingViewSchema } },
    errors: ['invalid_request', 'not_found'],
  },
  {
    method: 'get',
    path: '/v1/custodians/{id}/merchants',
    tag: 'cards',
    summary: "A custodian bank's merchants: full views with what it may release now",
    description: 'For the custodian itself and regulators.',
    auth: 'signed',
    params: z.object({ id }),
    responses: { 200: { description: 'The merchants', schema: custodianMerchantsSchema } },
    errors: ['invalid_request', 'unauthenticated', 'forbidden', 'not_found'],
  },
  {
    method: 'get',
    path: '/v1/insurers/{id}/merchants',
    tag: 'cards',
    summary: "An insurer's merchants: full views with their closure claims' totals",
    description: 'For the insurer itself and regulators (the bank and insurer views of the dashboard read it).',
    auth: 'signed',
    params: z.object({ id }),
    responses: { 200: { description: 'The merchants', schema: insurerMerchantsSchema } },
    errors: ['invalid_request', 'unauthenticated', 'forbidden', 'not_found'],
  },
  {
    method: 'get',
    path: '/v1/complaints',
    tag: 'cards',
    summary: 'Complaints, newest first, with the merchant response, the 12315 number and overdue marks',
    description:
      "Regulators list all; a merchant only its own (another `merchant` is 403); a holder only its card's (another `card` is 403). " +
      '`next` pages on (`before` = the cursor, `limit` ≤ 1000).',
    auth: 'signed',
    query: z.object({
      merchant: id.optional(),
      card: id.optional(),
      status: z.enum(['open', 'resolved']).optional(),
      before: z.string().optional(),
      limit: z.string().optional(),
    }),
    responses: { 200: { description: 'The complaints', schema: complaintListSchema } },
    errors: ['invalid_request', 'unauthenticated', 'forbidden'],
  },
  {
    method: 'get',
    path: '/v1/events/{actor}/{id}',
    tag: 'cards',
    summary: 'The receipt of an event, by its actor and id',
    description: "For the event's actor, the holder of the card the event is about, and regulators.",
    auth: 'signed',
    params: z.object({ actor: actorRef, id: eventId }),
    responses: { 200: { description: 'The receipt', schema: receipt } },
    errors: ['invalid_request', 'unauthenticated', 'forbidden', 'not_found'],
  },
];
