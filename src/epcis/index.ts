/**
 * EPCIS 2.0 interfaces (SPEC §15): the query index kept at append time and the
 * `GET /epcis/events` query. The plug-in only observes (it posts no events);
 * the app mounts `epcisRoutes` outside /v1, where the EPCIS REST binding puts it.
 */
import type { Plugin } from '../domain/plugin.js';
import { epcisDocs } from '../../schemas/epcis.js';
import { epcisIndexObserver } from './event-index.js';

export const epcisPlugin: Plugin = {
  name: 'epcis',
  observers: [epcisIndexObserver],
  docs: epcisDocs,
};

export { epcisRoutes } from './routes.js';
export { lotCodeOf, bizStepName } from './query.js';
