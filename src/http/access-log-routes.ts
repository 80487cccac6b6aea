/** GET /v1/regulator/access-log: the access log (http/access-log.ts), regulators only, newest first. */
import { accessLogQuery } from '../../schemas/core-routes.js';
import { ApiError } from '../errors.js';
import type { AccessLog } from './access-log.js';
import { allow } from './auth.js';
import { json, type Route } from './route.js';

export const accessLogRoutes = (accessLog: AccessLog | undefined): Route[] => [
  {
    method: 'GET',
    path: '/v1/regulator/access-log',
    auth: 'required',
    handle: async (req) => {
      allow(req.principal, ['regulator']);
      const q = accessLogQuery.safeParse(req.query);
      if (!q.success) throw new ApiError('invalid_request', 'before is a record id (24 hex digits) and limit 1 to 1000');
      if (!accessLog) throw new ApiError('unavailable', 'this service keeps no access log');
      const limit = Math.min(Number(q.data.limit ?? 100), 1000);
      const page = await accessLog.list({ before: q.data.before, limit });
      return json({ records: page.records, next: page.next && `/v1/regulator/access-log?before=${page.next}&limit=${limit}` });
    },
  },
];
