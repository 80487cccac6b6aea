/**
 * The prepaid-card plug-in (SPEC §6, §14): issuance and import, consumption,
 * refunds, transfers and re-keying, custody and payouts, complaints, disposal,
 * insurance and published ratings; card holders as principals; the reads of
 * every party. Decisions where the SPEC is silent: docs/CARDS.md.
 */
import { cardDocs } from '../../schemas/cards.js';
import type { EventType, Plugin } from '../domain/plugin.js';
import { file, resolve, respond } from './complaints.js';
import { deposit, payout, release } from './custody.js';
import { compensate, dispose } from './disposal.js';
import { rekey, transfer } from './holders.js';
import { importCard, issue, topup } from './issuance.js';
import { registryObserver } from './parties.js';
import { publish } from './ratings.js';
import { resolveHolder } from './principal.js';
import { cardRoutes } from './routes.js';
import { consume, refund, refundRequest } from './spending.js';

export const cardEvents: EventType[] = [
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

export const cardsPlugin: Plugin = {
  name: 'cards',
  events: cardEvents,
  principals: resolveHolder,
  observers: [registryObserver],
  routes: cardRoutes,
  docs: cardDocs,
};
