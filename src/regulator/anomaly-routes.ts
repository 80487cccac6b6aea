/**
 * GET /v1/regulator/anomalies (SPEC §8, §10): regulators and auditors (read-only: the dashboard's key, SPEC §5). Open anomalies,
 * newest first, filtered by rule, subject, severity and since, in pages whose
 * `next` is the path and query of the next one. Bad query → 400 invalid_request.
 */
import { anomaliesQuery } from '../../schemas/regulator.js';
import type { Services } from '../http/plugin-http.js';
import { ApiError } from '../errors.js';
import { allow } from '../http/auth.js';
import { parseInput } from '../http/params.js';
import { json, type Route } from '../http/route.js';
import { decodeCursor, listAnomalies } from './anomalies/index.js';

export const DEFAULT_PAGE = 100;

export const anomalyRoutes = (services: Services): Route[] => [
  {
    method: 'GET',
    path: '/v1/regulator/anomalies',
    auth: 'required',
    rate: 'expensive',
    handle: async (req) => {
      allow(req.principal, ['regulator', 'auditor']);
      const q = parseInput(anomaliesQuery, req.query, 'query');
      const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      if (q.cursor !== undefined && cursor === undefined)
        throw new ApiError('invalid_request', "query.cursor: not a cursor this service made; take it from a page's next");
      const limit = q.limit === undefined ? DEFAULT_PAGE : Number(q.limit);
      const page = await listAnomalies(
        services.ledger,
        { rule: q.rule, severity: q.severity, subject: q.subject, since: q.since, limit, cursor },
        services.now(),
      );
      const filters = Object.entries({ rule: q.rule, subject: q.subject, severity: q.severity, since: q.since }).filter(
        (kv): kv is [string, string] => kv[1] !== undefined,
      );
      const next =
        page.next && `/v1/regulator/anomalies?${new URLSearchParams([...filters, ['limit', String(limit)], ['cursor', page.next]])}`;
      return json({ anomalies: page.anomalies, next: next ?? null });
    },
  },
];
