/**
 * The prepaid-card plug-in (SPEC §6): issuance, consumption, refunds, custody,
 * complaints, disposal and insurance; card holders as principals. Decisions
 * where the SPEC is silent: docs/CARDS.md.
 *
 * This file is the plug-in's pure surface: its domain half, and the typed
 * accessors other folders (the regulator, the pages) read card state with —
 * never state.ts directly. The HTTP half is routes.ts (`cardsHttp`).
 */
import type { DomainPlugin, EventType } from '../domain/plugin.js';
import { file, resolve } from './complaints.js';
import { deposit, release } from './custody.js';
import { compensate, dispose } from './disposal.js';
import { issue, topup } from './issuance.js';
import { resolveHolder } from './principal.js';
import { consume, refund, refundRequest } from './spending.js';

export const cardEvents: readonly EventType[] = [
  issue,
  topup,
  consume,
  refundRequest,
  refund,
  deposit,
  release,
  file,
  resolve,
  dispose,
  compensate,
];

export const cardsDomain: DomainPlugin = {
  name: 'cards',
  events: cardEvents,
  principals: resolveHolder,
};

export { getCard, getComplaint, findMerchant, getMerchantRecord, holderActor, cardEntryIndexes } from './state.js';
export type { Merchant, ComplaintRecord } from './state.js';
export { publicMerchantView, fullMerchantView } from './views.js';
