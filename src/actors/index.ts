/**
 * The actor registry plug-in (SPEC §5), rooted in the genesis regulators. Its
 * pure surface: the domain half and the accessor other plug-ins read actors
 * with. The HTTP half is routes.ts (`actorsHttp`).
 */
import type { DomainPlugin } from '../domain/plugin.js';
import { actorEvents, genesisActors, resolveActor } from './rules.js';

export const actorsDomain: DomainPlugin = {
  name: 'actors',
  events: actorEvents,
  principals: resolveActor,
  genesis: genesisActors,
};

export { getActor } from './rules.js';
