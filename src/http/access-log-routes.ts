/** GET /v1/regulator/access-log: the access log (http/access-log.ts), regulators only, newest first. */
import { Router } from 'express';
import { accessLogQuery } from '../../schemas/core-routes.js';
import type { Services } from './plugin-http.js';
import { ApiError } from '../errors.js';
import type { AccessLog } from './access-log.js';
import { allow } from './auth.js';

export const accessLogRoutes = (services: Services, accessLog: AccessLog | undefined): Router => {
  const r = Router();
  r.get('/regulator/access-log', services.signed, async (req, res) => {
    allow(res, ['regulator']);
    const q = accessLogQuery.safeParse(req.query);
    if (!q.success) throw new ApiError('invalid_request', 'before is a record id (24 hex digits) and limit 1 to 1000');
    if (!accessLog) throw new ApiError('unavailable', 'this service keeps no access log');
    const limit = Math.min(Number(q.data.limit ?? 100), 1000);
    const page = await accessLog.list({ before: q.data.before, limit });
    res.json({ records: page.records, next: page.next && `/v1/regulator/access-log?before=${page.next}&limit=${limit}` });
  });
  return r;
};
