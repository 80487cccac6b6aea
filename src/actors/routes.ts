/** GET /v1/actors/{id}: registration, role, status and current key (public). */
import { ID_PATTERN } from '../../schemas/common.js';
import type { PluginHttp, Services } from '../http/plugin-http.js';
import { actorDocs } from '../../schemas/actors.js';
import { ApiError } from '../errors.js';
import { json, type Route } from '../http/route.js';
import { getActor } from './rules.js';

export const actorRoutes = (services: Services): Route[] => [
  {
    method: 'GET',
    path: '/v1/actors/{id}',
    auth: 'none',
    handle: (req) => {
      const id = req.params.id;
      // An id that is not well-formed names no actor: answered without a lookup.
      const actor = ID_PATTERN.test(id) ? getActor({ get: (k) => services.ledger.get(k) }, id) : undefined;
      if (!actor) throw new ApiError('not_found', `no actor ${id.slice(0, 80)}`);
      return json(actor);
    },
  },
];

/** The actor registry's HTTP half. */
export const actorsHttp: PluginHttp = { routes: actorRoutes, docs: actorDocs };
