/** GET /v1/actors/{id}: registration, role, status and current key (public). */
import { Router } from 'express';
import type { Services } from '../domain/plugin.js';
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
