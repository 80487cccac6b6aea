/**
 * The prepaid-card plug-in (SPEC §6, §14): issuance and import, consumption,
 * refunds, transfers and re-keying, custody and payouts, complaints, disposal,
 * insurance and published ratings; card holders as principals. Decisions
 * where the SPEC is silent: docs/CARDS.md.
 *
 * This file is the plug-in's pure surface: its domain half, and the typed
 * accessors other folders (the regulator, the pages) read card state with —
 * never state.ts directly. The HTTP half is routes.ts (`cardsHttp`).
 */
import type { DomainPlugin, EventType } from '../domain/plugin.js';
import { file, resolve, respond } from './complaints.js';
import { deposit, payout, release } from './custody.js';
import { compensate, dispose } from './disposal.js';
import { rekey, transfer } from './holders.js';
import { importCard, issue, topup } from './issuance.js';
import { registryObserver } from './parties.js';
import { publish } from './ratings.js';
import { resolveHolder } from './principal.js';
import { consume, refund, refundRequest } from './spending.js';

export const cardEvents: readonly EventType[] = [
  issue,
  importCard,
  topup,
  consume,
  refundRequest,
  refund,
  transfer,
  rekey,
  deposit,
  release,
  payout,
  file,
  respond,
  resolve,
  dispose,
  compensate,
  publish,
];

export const cardsDomain: DomainPlugin = {
  name: 'cards',
  events: cardEvents,
  principals: resolveHolder,
  observers: [registryObserver],
};

export { getCard, getComplaint, findMerchant, getMerchantRecord, holderActor, cardEntryIndexes } from './state.js';
export type { Merchant, ComplaintRecord } from './state.js';
export { publicMerchantView, fullMerchantView } from './views.js';
