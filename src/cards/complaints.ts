/**
 * Complaints (SPEC §6): filed by a card's holder about its own card, or by a
 * regulator (the complaint desk); resolved by a regulator or by the merchant
 * complained about. They move no money (`refund` on a resolution is
 * informational). Complaints go on after a merchant is closed.
 */
import { complaintFile, complaintResolve, type ComplaintFileBody, type ComplaintResolveBody } from '../../schemas/cards.js';
import type { EventType } from '../domain/plugin.js';
import { ApiError } from '../errors.js';
import { checkHolderCosig, rejectCosig, requireOwnCard } from './guards.js';
import { getComplaint, putComplaint, requireCard, requireMerchant, saveCard, saveMerchant } from './state.js';

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
    putComplaint(state, {
      complaint: body.complaint,
      merchant: body.merchant,
      ...(card && { card: card.card }),
      category: body.category,
      status: 'open',
      filedBy: actor,
      filedAt: ctx.at,
      filedIndex: ctx.index,
    });
    const m = merchant.record;
    saveMerchant(state, merchant, { ...m, complaintsOpen: m.complaintsOpen + 1, complaintsTotal: m.complaintsTotal + 1 });
    if (card) saveCard(state, card, ctx.index);
  },
};

export const resolve: EventType<ComplaintResolveBody> = {
  type: 'complaint.resolve',
  body: complaintResolve,
  roles: ['regulator', 'merchant'],
  apply(state, event, ctx) {
    const { body, actor } = event;
    const complaint = getComplaint(state, body.complaint);
    if (!complaint) throw new ApiError('complaint_not_found', `no complaint ${body.complaint} has been filed`);
    if (ctx.principal.role === 'merchant' && complaint.merchant !== actor)
      throw new ApiError(
        'forbidden',
        `complaint ${complaint.complaint} is about ${complaint.merchant}; only it or a regulator may resolve it`,
      );
    if (complaint.status !== 'open')
      throw new ApiError('complaint_not_open', `complaint ${complaint.complaint} was already resolved at entry ${complaint.resolvedIndex}`);
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
    if (card) saveCard(state, card, ctx.index);
  },
};
