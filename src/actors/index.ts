import type { Plugin } from '../domain/plugin.js';
import { actorEvents, genesisActors, resolveActor } from './rules.js';
import { actorRoutes } from './routes.js';
import { actorDocs } from '../../schemas/actors.js';

/** The first plug-in: the actor registry, rooted in the genesis regulators. */
export const actorsPlugin: Plugin = {
  name: 'actors',
  events: actorEvents,
  principals: resolveActor,
  genesis: genesisActors,
  routes: actorRoutes,
  docs: actorDocs,
};
