/**
 * The prepaid-card plug-in (SPEC §6): issuance, consumption, refunds, custody,
 * complaints, disposal and insurance; card holders as principals; the card and
 * merchant reads. Decisions where the SPEC is silent: docs/CARDS.md.
 */
import { cardDocs } from '../../schemas/cards.js';
import type { EventType, Plugin } from '../domain/plugin.js';
import { file, resolve } from './complaints.js';
import { deposit, release } from './custody.js';
import { compensate, dispose } from './disposal.js';
import { issue, topup } from './issuance.js';
import { resolveHolder } from './principal.js';
import { cardRoutes } from './routes.js';
import { consume, refund, refundRequest } from './spending.js';

export const cardEvents: EventType[] = [issue, topup, consume, refundRequest, refund, deposit, release, file, resolve, dispose, compensate];

export const cardsPlugin: Plugin = {
  name: 'cards',
  events: cardEvents,
  principals: resolveHolder,
  routes: cardRoutes,
  docs: cardDocs,
};
