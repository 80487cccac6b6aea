/**
 * EPCIS 2.0 interfaces (SPEC §15): the query index kept at append time and the
 * `GET /epcis/events` query. The plug-in only observes (it posts no events);
 * its route (routes.ts, `epcisHttp`) is outside /v1, where the EPCIS REST
 * binding puts it, served by the one pipeline all the same.
 */
import type { DomainPlugin } from '../domain/plugin.js';
import { epcisIndexObserver } from './event-index.js';

export const epcisDomain: DomainPlugin = {
  name: 'epcis',
  indexes: [epcisIndexObserver],
};

export { lotCodeOf, bizStepName } from './query.js';
