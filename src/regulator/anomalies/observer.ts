/**
 * The anomaly engine's Observer (SPEC §10). It runs after every accepted
 * event's rule, in the same transaction, and again in the verifier's replay, so
 * it is pure: it reads and writes domain state, uses only the entry's server
 * time and index, and never throws for a well-formed accepted event.
 *
 * For each entry: first every scheduled re-evaluation due by the entry's time
 * (timed rules), then the rules the event's type concerns.
 */
import type { Envelope } from '../../../ledger/index.js';
import type { ComplaintFileBody, ComplaintResolveBody } from '../../../schemas/cards.js';
import type { LotCreateBody, LotTemperatureBody, LotTransformBody } from '../../../schemas/trace.js';
import { getCard, getComplaint } from '../../cards/state.js';
import type { EventContext, Observer, State } from '../../domain/plugin.js';
import { getShipment } from '../../trace/state.js';
import { observeTemperature } from './cold-chain.js';
import { complaintOverdue, complaintSurge, recordFiling, recordResolution } from './complaints.js';
import { checkCustody } from './custody.js';
import { observeInspection, observeTransformLots, recheckQuantity } from './failed-descendant.js';
import { observeCreate, observeTransform } from './lots.js';
import { recordRefund, recordRequest, refundOverdue } from './refunds.js';
import { holderRekey, recordRekey } from './rekeys.js';
import { TIMED_RULES } from './registry.js';
import { recordSale, salesSpike } from './sales.js';
import { takeDue } from './schedule.js';
import { inTransitStale, observeReceipt } from './shipments.js';
import { refresh } from './timed.js';
import { subjectOf } from './types.js';

type Handler = (state: State, event: Envelope, ctx: EventContext) => void;
type Body = Record<string, any>;

const sale: Handler = (state, e, ctx) => {
  const b = e.body as Body;
  const facts = recordSale(state, e.actor, b.amount, e.type === 'card.issue', ctx);
  if (facts) refresh(state, salesSpike, e.actor, ctx.atMs, facts);
  checkCustody(state, e.actor, ctx);
};

const HANDLERS: Record<string, Handler> = {
  'card.issue': sale,
  'card.topup': sale,
  'card.consume': (state, e, ctx) => checkCustody(state, e.actor, ctx),
  // An import adds to outstanding (custody-short) but is no sale (sales-spike does not see it, SPEC §14).
  'card.import': (state, e, ctx) => checkCustody(state, e.actor, ctx),
  'card.rekey': (state, e, ctx) => {
    if (ctx.principal.role !== 'merchant') return;
    refresh(state, holderRekey, e.actor, ctx.atMs, recordRekey(state, e.actor, (e.body as Body).card, ctx));
  },
  'custody.payout': (state, e, ctx) => checkCustody(state, (e.body as Body).merchant, ctx),
  'card.refundRequest': (state, e, ctx) => {
    const b = e.body as Body;
    const card = getCard(state, b.card);
    if (!card) return;
    recordRequest(state, card.merchant, card.card, e.id, ctx);
    refresh(state, refundOverdue, card.merchant, ctx.atMs);
  },
  'card.refund': (state, e, ctx) => {
    recordRefund(state, e.actor, (e.body as Body).card, ctx);
    refresh(state, refundOverdue, e.actor, ctx.atMs);
    checkCustody(state, e.actor, ctx);
  },
  'insurance.compensate': (state, e, ctx) => checkCustody(state, (e.body as Body).merchant, ctx),
  'custody.deposit': (state, e, ctx) => checkCustody(state, (e.body as Body).merchant, ctx),
  'custody.release': (state, e, ctx) => checkCustody(state, (e.body as Body).merchant, ctx),
  'complaint.file': (state, e, ctx) => {
    const b = e.body as ComplaintFileBody;
    recordFiling(state, b.merchant, b.complaint, b.category, ctx);
    refresh(state, complaintSurge, b.merchant, ctx.atMs);
    refresh(state, complaintOverdue, b.merchant, ctx.atMs);
  },
  'complaint.resolve': (state, e, ctx) => {
    const complaint = getComplaint(state, (e.body as ComplaintResolveBody).complaint);
    if (!complaint) return;
    recordResolution(state, complaint.merchant, complaint.complaint, ctx);
    refresh(state, complaintSurge, complaint.merchant, ctx.atMs);
    refresh(state, complaintOverdue, complaint.merchant, ctx.atMs);
  },
  'lot.create': (state, e, ctx) => observeCreate(state, e.body as LotCreateBody, ctx),
  'lot.inspect': (state, e, ctx) => observeInspection(state, (e.body as Body).code, ctx),
  'lot.transform': (state, e, ctx) => {
    const b = e.body as LotTransformBody;
    observeTransform(state, b, ctx);
    observeTransformLots(
      state,
      b.inputs.map((i) => i.code),
      b.outputs.map((o) => o.code),
      ctx,
    );
  },
  'lot.ship': (state, e, ctx) => {
    const b = e.body as Body;
    refresh(state, inTransitStale, b.shipment, ctx.atMs);
    recheckQuantity(state, b.code);
  },
  'lot.receive': (state, e, ctx) => {
    const b = e.body as Body;
    observeReceipt(state, b.shipment, ctx);
    refresh(state, inTransitStale, b.shipment, ctx.atMs);
    const s = getShipment(state, b.shipment);
    if (s) recheckQuantity(state, s.lot);
  },
  'lot.temperature': (state, e, ctx) => observeTemperature(state, e.body as LotTemperatureBody, ctx),
  'lot.sell': (state, e) => recheckQuantity(state, (e.body as Body).code),
  'lot.dispose': (state, e) => recheckQuantity(state, (e.body as Body).code),
};

export const anomalyObserver: Observer = (state, event, ctx) => {
  for (const [, rule, key] of takeDue(state, ctx.atMs)) {
    const timed = TIMED_RULES[rule];
    if (timed) refresh(state, timed, subjectOf(key).id, ctx.atMs);
  }
  HANDLERS[event.type]?.(state, event, ctx);
};
