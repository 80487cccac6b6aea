/**
 * Complaints (SPEC §6, §14): filed by a card's holder about its own card, or by
 * a regulator (the complaint desk, with the 12315 number when it came that way);
 * answered by the merchant complained about; resolved by a regulator or by that merchant. They move no money (`refund` on a resolution is
 * informational). Complaints go on after a merchant is closed.
 */
import {
  complaintFile,
  complaintResolve,
  complaintRespond,
  type ComplaintFileBody,
  type ComplaintResolveBody,
  type ComplaintRespondBody,
} from '../../schemas/cards.js';
import type { EventType, State } from '../domain/plugin.js';
import { ApiError } from '../errors.js';
import { checkHolderCosig, rejectCosig, requireOwnCard } from './guards.js';
import {
  complaintIndexKeys,
  getComplaint,
  putComplaint,
  requireCard,
  requireMerchant,
  saveCard,
  saveMerchant,
  type ComplaintRecord,
} from './state.js';

export const file: EventType<ComplaintFileBody> = {
  type: 'complaint.file',
  body: complaintFile,
  roles: ['holder', 'regulator'],
  apply(state, event, ctx) {
    const { body, actor } = event;
    if (ctx.principal.role === 'holder') requireOwnCard(body.card, actor);
    const merchant = requireMerchant(state, body.merchant);
    const card = body.card === undefined ? undefined : requireCard(state, body.card);
    if (card && card.merchant !== body.merchant)
      throw new ApiError('invalid_event', `body.merchant: card ${card.card} was issued by ${card.merchant}, not ${body.merchant}`);
    if (getComplaint(state, body.complaint)) throw new ApiError('complaint_exists', `complaint ${body.complaint} has already been filed`);
    if (card) checkHolderCosig(event, ctx, card, false);
    else rejectCosig(event);
    const record: ComplaintRecord = {
      complaint: body.complaint,
      merchant: body.merchant,
      ...(card && { card: card.card }),
      category: body.category,
      ...(body.ref12315 !== undefined && { ref12315: body.ref12315 }),
      status: 'open',
      filedBy: actor,
      filedAt: ctx.at,
      filedIndex: ctx.index,
    };
    putComplaint(state, record);
    for (const key of complaintIndexKeys(record)) state.put(key, record.complaint);
    const m = merchant.record;
    saveMerchant(state, merchant, { ...m, complaintsOpen: m.complaintsOpen + 1, complaintsTotal: m.complaintsTotal + 1 });
    if (card) saveCard(state, card, ctx);
  },
};

/** The open complaint `id`, or its code: complaint_not_found, forbidden (a merchant other than the one complained about), complaint_not_open. */
const openComplaintFor = (state: State, id: string, actor: string, role: string, verb: 'resolve' | 'respond to'): ComplaintRecord => {
  const complaint = getComplaint(state, id);
  if (!complaint) throw new ApiError('complaint_not_found', `no complaint ${id} has been filed`);
  if (role === 'merchant' && complaint.merchant !== actor)
    throw new ApiError(
      'forbidden',
      `complaint ${complaint.complaint} is about ${complaint.merchant}; only it${verb === 'resolve' ? ' or a regulator' : ''} may ${verb} it`,
    );
  if (complaint.status !== 'open')
    throw new ApiError('complaint_not_open', `complaint ${complaint.complaint} was already resolved at entry ${complaint.resolvedIndex}`);
  return complaint;
};

/** complaint.respond (SPEC §14): the merchant complained about answers an open complaint; the latest answer is kept. */
export const respond: EventType<ComplaintRespondBody> = {
  type: 'complaint.respond',
  body: complaintRespond,
  roles: ['merchant'],
  apply(state, event, ctx) {
    const { body, actor } = event;
    const complaint = openComplaintFor(state, body.complaint, actor, ctx.principal.role, 'respond to');
    const card = complaint.card === undefined ? undefined : requireCard(state, complaint.card);
    if (card) checkHolderCosig(event, ctx, card, false);
    else rejectCosig(event);
    putComplaint(state, {
      ...complaint,
      response: { text: body.response, at: ctx.at, index: ctx.index },
      responses: (complaint.responses ?? 0) + 1,
    });
    if (card) saveCard(state, card, ctx);
  },
};

export const resolve: EventType<ComplaintResolveBody> = {
  type: 'complaint.resolve',
  body: complaintResolve,
  roles: ['regulator', 'merchant'],
  apply(state, event, ctx) {
    const { body, actor } = event;
    const complaint = openComplaintFor(state, body.complaint, actor, ctx.principal.role, 'resolve');
    const card = complaint.card === undefined ? undefined : requireCard(state, complaint.card);
    // The holder may co-sign a resolution (e.g. accepting a mediation); it must then verify.
    if (card) checkHolderCosig(event, ctx, card, false);
    else rejectCosig(event);
    putComplaint(state, {
      ...complaint,
      status: 'resolved',
      outcome: body.outcome,
      ...(body.refund !== undefined && { refund: body.refund }),
      resolvedBy: actor,
      resolvedAt: ctx.at,
      resolvedIndex: ctx.index,
    });
    const merchant = requireMerchant(state, complaint.merchant);
    saveMerchant(state, merchant, { ...merchant.record, complaintsOpen: merchant.record.complaintsOpen - 1 });
    if (card) saveCard(state, card, ctx);
  },
};
