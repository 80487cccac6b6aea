/** GET /v1/actors/{id}: registration, role, status and current key (public). */
import { Router } from 'express';
import { actorDocs } from '../../schemas/actors.js';
import type { PluginHttp, Services } from '../http/plugin-http.js';
import { ApiError } from '../errors.js';
import { getActor } from './rules.js';

export const actorRoutes = (services: Services): Router => {
  const r = Router();
  r.get('/actors/:id', (req, res) => {
    const actor = getActor({ get: (k) => services.ledger.get(k) }, req.params.id);
    if (!actor) throw new ApiError('not_found', `no actor ${req.params.id}`);
    res.json(actor);
  });
  return r;
};

/** The actor registry's HTTP half. */
export const actorsHttp: PluginHttp = { routes: actorRoutes, docs: actorDocs };
