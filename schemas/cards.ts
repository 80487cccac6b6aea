/**
 * Prepaid cards (SPEC §6): event bodies, the state kept per card and per
 * merchant, the read views and their route descriptions. Money is integer fen.
 */
import { z } from 'zod';
import { freeText } from './pii.js';
import { actorId, eventId, hash, id, money, publicKey, timestamp } from './common.js';
import { checkpoint, entry } from './envelope.js';
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
  .superRefine((b, ctx) => {
    // Named cards are tied to an identity (by reference); anonymous cards must not be.
    if (b.kind === 'named' && b.holderRef === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['holderRef'],
        message: 'is required for a named card (hex SHA-256 of the salted identity, kept off the ledger)',
      });
    if (b.kind === 'anonymous' && b.holderRef !== undefined)
      ctx.addIssue({ code: 'custom', path: ['holderRef'], message: 'must be absent for an anonymous card; issue a named card instead' });
  })
  .meta({ id: 'CardIssueBody' });
export type CardIssueBody = z.infer<typeof cardIssue>;

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
  .meta({ id: 'CardRefundBody' });
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
  })
  .meta({ id: 'ComplaintFileBody', description: 'No personal data in summary: the log is public to regulators forever.' });
export type ComplaintFileBody = z.infer<typeof complaintFile>;

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

/** Every card event type's body schema by type name: the rules register exactly these (a test checks), and the anomaly observer's event union is inferred from them. */
export const CARD_EVENT_BODIES = {
  'card.issue': cardIssue,
  'card.topup': cardTopup,
  'card.consume': cardConsume,
  'card.refundRequest': cardRefundRequest,
  'card.refund': cardRefund,
  'custody.deposit': custodyDeposit,
  'custody.release': custodyRelease,
  'complaint.file': complaintFile,
  'complaint.resolve': complaintResolve,
  'merchant.dispose': merchantDispose,
  'insurance.compensate': insuranceCompensate,
} as const;

// ---- State --------------------------------------------------------------------------------

/** `card/<id>`. Invariant: balance = issued + toppedUp − consumed − refunded − compensated ≥ 0. */
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
    status: z.enum(['active', 'empty']).meta({ description: 'empty while the balance is 0 (a top-up makes it active again)' }),
    issuedAt: timestamp,
    issuedIndex: count,
    entryCount: count.meta({ description: 'how many ledger entries concern this card' }),
  })
  .meta({ id: 'Card' });
export type CardRecord = z.infer<typeof cardRecord>;

/**
 * `merchant/<id>`: the SPEC §6 figures plus the running totals they come from.
 * Invariants: outstanding = Σ card balances = issued + toppedUp − consumed − refunded − compensated;
 * custody = deposited − releasedConsumption − releasedRefund; consumedUnreleased = consumed − releasedConsumption;
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
  warnings: count,
  lastDisposal: z.object({ action: z.enum(DISPOSAL_ACTIONS), reason: z.string(), index: count, at: timestamp }).optional(),
});
export type MerchantRecord = z.infer<typeof merchantRecord>;

// ---- Views --------------------------------------------------------------------------------

export const cardView = z
  .object({
    card: cardRecord,
    entries: z.array(entry).meta({ description: "the card's entries in index order" }),
    checkpoint,
    proofs: z.record(z.string(), z.array(hash)).meta({ description: 'RFC 9162 inclusion proof of each entry index against checkpoint' }),
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
];
