/**
 * The anomaly engine's Observer (SPEC §10). It runs after every accepted
 * event's rule, in the same transaction, and again in the verifier's replay, so
 * it is pure: it reads and writes domain state, uses only the entry's server
 * time and index, and never throws for a well-formed accepted event.
 *
 * For each entry: first every scheduled re-evaluation due by the entry's time
 * (timed rules), then the rules the event's type concerns.
 */
import { getCard, getComplaint } from '../../cards/index.js';
import type { EventContext, Observer, State } from '../../domain/plugin.js';
import { getShipment } from '../../trace/index.js';
import { observeTemperature } from './cold-chain.js';
import { complaintOverdue, complaintSurge, recordFiling, recordResolution } from './complaints.js';
import { checkCustody } from './custody.js';
import type { ObservedEvent, ObservedType } from './events.js';
import { observeInspection, observeTransformLots, recheckQuantity } from './failed-descendant.js';
import { observeCreate, observeTransform } from './lots.js';
import { recordRefund, recordRequest, refundOverdue } from './refunds.js';
import { TIMED_RULES } from './registry.js';
import { recordSale, salesSpike } from './sales.js';
import { takeDue } from './schedule.js';
import { inTransitStale, observeReceipt } from './shipments.js';
import { refresh } from './timed.js';
import { subjectOf } from './types.js';

type Handler<T extends ObservedType> = (state: State, event: ObservedEvent<T>, ctx: EventContext) => void;

const sale: Handler<'card.issue' | 'card.topup'> = (state, e, ctx) => {
  const facts = recordSale(state, e.actor, e.body.amount, e.type === 'card.issue', ctx);
  if (facts) refresh(state, salesSpike, e.actor, ctx.atMs, facts);
  checkCustody(state, e.actor, ctx);
};

/** What each observed type triggers; types absent here trigger only the due timed rules. */
const HANDLERS: { [T in ObservedType]?: Handler<T> } = {
  'card.issue': sale,
  'card.topup': sale,
  'card.consume': (state, e, ctx) => checkCustody(state, e.actor, ctx),
  'card.refundRequest': (state, e, ctx) => {
    const card = getCard(state, e.body.card);
    if (!card) return;
    recordRequest(state, card.merchant, card.card, e.id, ctx);
    refresh(state, refundOverdue, card.merchant, ctx.atMs);
  },
  'card.refund': (state, e, ctx) => {
    recordRefund(state, e.actor, e.body.card, ctx);
    refresh(state, refundOverdue, e.actor, ctx.atMs);
    checkCustody(state, e.actor, ctx);
  },
  'insurance.compensate': (state, e, ctx) => checkCustody(state, e.body.merchant, ctx),
  'custody.deposit': (state, e, ctx) => checkCustody(state, e.body.merchant, ctx),
  'custody.release': (state, e, ctx) => checkCustody(state, e.body.merchant, ctx),
  'complaint.file': (state, e, ctx) => {
    const b = e.body;
    recordFiling(state, b.merchant, b.complaint, b.category, ctx);
    refresh(state, complaintSurge, b.merchant, ctx.atMs);
    refresh(state, complaintOverdue, b.merchant, ctx.atMs);
  },
  'complaint.resolve': (state, e, ctx) => {
    const complaint = getComplaint(state, e.body.complaint);
    if (!complaint) return;
    recordResolution(state, complaint.merchant, complaint.complaint, ctx);
    refresh(state, complaintSurge, complaint.merchant, ctx.atMs);
    refresh(state, complaintOverdue, complaint.merchant, ctx.atMs);
  },
  'lot.create': (state, e, ctx) => observeCreate(state, e.body, ctx),
  'lot.inspect': (state, e, ctx) => observeInspection(state, e.body.code, ctx),
  'lot.transform': (state, e, ctx) => {
    const b = e.body;
    observeTransform(state, b, ctx);
    observeTransformLots(
      state,
      b.inputs.map((i) => i.code),
      b.outputs.map((o) => o.code),
      ctx,
    );
  },
  'lot.ship': (state, e, ctx) => {
    refresh(state, inTransitStale, e.body.shipment, ctx.atMs);
    recheckQuantity(state, e.body.code);
  },
  'lot.receive': (state, e, ctx) => {
    observeReceipt(state, e.body.shipment, ctx);
    refresh(state, inTransitStale, e.body.shipment, ctx.atMs);
    const s = getShipment(state, e.body.shipment);
    if (s) recheckQuantity(state, s.lot);
  },
  'lot.temperature': (state, e, ctx) => observeTemperature(state, e.body, ctx),
  'lot.sell': (state, e) => recheckQuantity(state, e.body.code),
  'lot.dispose': (state, e) => recheckQuantity(state, e.body.code),
};

/**
 * The handler for an accepted event. The one unchecked step: an observer runs
 * only after the event's own rule, whose type parsed the body with the schema
 * the union is inferred from, so the event is an ObservedEvent of its type.
 */
const handlerFor = (type: string): Handler<ObservedType> | undefined =>
  Object.hasOwn(HANDLERS, type) ? (HANDLERS[type as ObservedType] as Handler<ObservedType>) : undefined;

export const anomalyObserver: Observer = (state, event, ctx) => {
  for (const [, rule, key] of takeDue(state, ctx.atMs)) {
    const timed = TIMED_RULES[rule];
    if (timed) refresh(state, timed, subjectOf(key).id, ctx.atMs);
  }
  handlerFor(event.type)?.(state, event as ObservedEvent, ctx);
};
