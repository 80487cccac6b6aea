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
import { holderRekey, recordRekey } from './rekeys.js';
import { TIMED_RULES } from './registry.js';
import { recordSale, salesSpike } from './sales.js';
import { takeDue } from './schedule.js';
import { inTransitStale, observeReceipt } from './shipments.js';
import { observeRecall, recheckRecall } from './recalls.js';
import { refresh } from './timed.js';
import { subjectOf, type Anomaly } from './types.js';
import { OPEN_PREFIX } from './store.js';

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
  // An import adds to outstanding (custody-short) but is no sale (sales-spike does not see it, SPEC §14).
  'card.import': (state, e, ctx) => checkCustody(state, e.actor, ctx),
  'card.rekey': (state, e, ctx) => {
    if (ctx.principal.role !== 'merchant') return;
    refresh(state, holderRekey, e.actor, ctx.atMs, recordRekey(state, e.actor, e.body.card, ctx));
  },
  'custody.payout': (state, e, ctx) => checkCustody(state, e.body.merchant, ctx),
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
    if (s) recheckRecall(state, s.lot, ctx.atMs);
  },
  'lot.temperature': (state, e, ctx) => observeTemperature(state, e.body, ctx),
  'lot.sell': (state, e) => recheckQuantity(state, e.body.code),
  'lot.dispose': (state, e, ctx) => {
    recheckQuantity(state, e.body.code);
    recheckRecall(state, e.body.code, ctx.atMs);
  },
  'lot.recall': (state, e, ctx) => observeRecall(state, e.body.code, ctx.atMs),
};

/**
 * The handler for an accepted event. The one unchecked step: an observer runs
 * only after the event's own rule, whose type parsed the body with the schema
 * the union is inferred from, so the event is an ObservedEvent of its type.
 */
const handlerFor = (type: string): Handler<ObservedType> | undefined =>
  Object.hasOwn(HANDLERS, type) ? (HANDLERS[type as ObservedType] as Handler<ObservedType>) : undefined;

/** At most this many anomaly changes are recorded per entry (the first ones; `truncated` says so). */
export const MAX_CHANGES = 100;

/** What one entry changed among the open anomalies: `anomaly/changes/<index>`, for the webhooks' anomaly topic. */
export interface AnomalyChanges {
  /** Anomalies opened or changed, as they are after the entry. */
  open: Anomaly[];
  /** Anomalies the entry closed, by rule and subject. */
  closed: Array<{ rule: string; subject: string }>;
  truncated?: true;
}

export const anomalyChangesKey = (index: number): string => `anomaly/changes/${index}`;

/**
 * Runs the handlers on a state that notes every open anomaly they write, then
 * records the entry's changes (if any) under anomaly/changes/<index>: a push
 * subscriber reads what an entry did without re-deriving it.
 */
export const anomalyObserver: Observer = (state, event, ctx) => {
  const touched = new Map<string, Anomaly | undefined>();
  const noting: State = {
    get: (k) => state.get(k),
    put(k, v) {
      if (k.startsWith(OPEN_PREFIX)) touched.set(k, v as Anomaly);
      state.put(k, v);
    },
    del(k) {
      if (k.startsWith(OPEN_PREFIX)) touched.set(k, undefined);
      state.del(k);
    },
  };
  for (const [, rule, key] of takeDue(noting, ctx.atMs)) {
    const timed = TIMED_RULES[rule];
    if (timed) refresh(noting, timed, subjectOf(key).id, ctx.atMs);
  }
  handlerFor(event.type)?.(noting, event as ObservedEvent, ctx);
  if (!touched.size) return;
  const changes: AnomalyChanges = { open: [], closed: [] };
  let n = 0;
  for (const [k, a] of touched) {
    if (n++ >= MAX_CHANGES) {
      changes.truncated = true;
      break;
    }
    if (a) changes.open.push(a);
    else {
      const rest = k.slice(OPEN_PREFIX.length);
      const slash = rest.indexOf('/');
      changes.closed.push({ rule: rest.slice(0, slash), subject: subjectOf(rest.slice(slash + 1)).id });
    }
  }
  state.put(anomalyChangesKey(ctx.index), changes);
};
