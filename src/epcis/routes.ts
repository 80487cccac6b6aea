/**
 * GET /epcis/events (SPEC §15): the EPCIS 2.0 REST binding's event query for
 * regulators and auditors, signed like every read (RFC 9421). A thin handler
 * over query.ts. Parameters other than the ones supported are refused
 * (400 invalid_request), as EPCIS refuses them with a QueryParameterException.
 */
import { z } from 'zod';
import { epcisDocs } from '../../schemas/epcis.js';
import type { PluginHttp, Services } from '../http/plugin-http.js';
import { type Route } from '../http/route.js';
import { ApiError } from '../errors.js';
import { allow } from '../http/auth.js';
import { parseInput, queryInt } from '../http/params.js';
import { BIZ_STEP } from './event-index.js';
import {
  bizStepName,
  DEFAULT_PER_PAGE,
  lotCodeOf,
  MAX_PER_PAGE,
  PageTokens,
  queryDocument,
  queryEvents,
  type EventQuery,
} from './query.js';

const instant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));
const list = z
  .string()
  .min(1)
  .max(4000)
  .transform((s) => s.split(','));

export const epcisQuery = z.strictObject({
  EQ_bizStep: list.optional(),
  MATCH_anyEPC: list.optional(),
  MATCH_anyEPCClass: list.optional(),
  GE_eventTime: instant.optional(),
  LT_eventTime: instant.optional(),
  perPage: queryInt.refine((n) => n >= 1 && n <= MAX_PER_PAGE, `must be 1 to ${MAX_PER_PAGE}`).optional(),
  nextPageToken: z.string().max(200).optional(),
});

const STEPS = new Set(Object.values(BIZ_STEP));

export const epcisRoutes = (services: Services): Route[] => {
  const { ledger } = services;
  const tokens = new PageTokens();
  return [
    {
      method: 'GET',
      path: '/epcis/events',
      auth: 'required',
      rate: 'expensive',
      handle: (req) => {
        allow(req.principal, ['regulator', 'auditor']);
        const p = parseInput(epcisQuery, req.query, 'query');
        const steps = p.EQ_bizStep?.map((v) => {
          const name = bizStepName(v);
          if (!name) throw new ApiError('invalid_request', `EQ_bizStep: ${v.slice(0, 80)} is not a CBV business step`);
          return name;
        });
        const epcs = [...(p.MATCH_anyEPC ?? []), ...(p.MATCH_anyEPCClass ?? [])];
        const q: EventQuery = {
          perPage: p.perPage ?? DEFAULT_PER_PAGE,
          ...(steps && { bizSteps: steps }),
          ...(epcs.length && { epcs, lots: epcs.map((e) => lotCodeOf(ledger.origin, e)).filter((c): c is string => c !== undefined) }),
          ...(p.GE_eventTime !== undefined && { geMs: p.GE_eventTime }),
          ...(p.LT_eventTime !== undefined && { ltMs: p.LT_eventTime }),
        };
        // A step anxin never produces matches nothing; so does an identifier of no lot of this ledger.
        const none = (steps && !steps.some((s) => STEPS.has(s))) || (q.lots && !q.lots.length);
        const canonical = JSON.stringify([q.bizSteps ?? null, q.epcs ?? null, q.geMs ?? null, q.ltMs ?? null]);
        if (p.nextPageToken !== undefined) q.from = tokens.decode(canonical, p.nextPageToken);
        const page = none ? { events: [] } : queryEvents(ledger, q, services.config.maxSkewS * 1000);
        const headers: Record<string, string> = {
          'content-type': 'application/ld+json; charset=utf-8',
          'GS1-EPCIS-Version': '2.0.0',
          'GS1-CBV-Version': '2.0.0',
        };
        if ('next' in page && page.next !== undefined) {
          const params = new URLSearchParams();
          for (const [k, v] of Object.entries(req.query)) for (const one of Array.isArray(v) ? v : [v ?? '']) params.append(k, one);
          params.set('nextPageToken', tokens.encode(canonical, page.next));
          headers.link = `</epcis/events?${params.toString()}>; rel="next"`;
        }
        return { status: 200, headers, body: JSON.stringify(queryDocument(page.events, services.now(), ledger.origin)) };
      },
    },
  ];
};

/** The EPCIS query's HTTP half. */
export const epcisHttp: PluginHttp = { routes: epcisRoutes, docs: epcisDocs };
