/**
 * POST /v1/events and /v1/events/batch (SPEC §8): the service's hot path. The
 * body arrives through the pipeline's bounded reader (body.ts): a batch's
 * element count is checked as it streams in, before anything is parsed.
 */
import { ApiError } from '../errors.js';
import type { Ingest } from '../ingest.js';
import { json, type Route } from './route.js';

export const EVENT_BODY_LIMIT = 256 * 1024;
export const BATCH_BODY_LIMIT = 8 * 1024 * 1024;
export const MAX_BATCH = 1000;

const requireJsonBody = (body: unknown): Record<string, unknown> => {
  if (body === undefined) throw new ApiError('invalid_json', 'send a JSON body with Content-Type: application/json');
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError('invalid_event', 'the body must be a JSON object');
  return body as Record<string, unknown>;
};

/** The two ingest routes. */
export const ingestRoutes = (ingest: Ingest): Route[] => [
  {
    method: 'POST',
    path: '/v1/events',
    auth: 'none',
    body: { limit: EVENT_BODY_LIMIT },
    handle: async (req) => {
      const { created, receipts } = await ingest.submit([requireJsonBody(req.body)], false);
      return json(receipts[0], created ? 201 : 200);
    },
  },
  {
    method: 'POST',
    path: '/v1/events/batch',
    auth: 'none',
    body: { limit: BATCH_BODY_LIMIT, maxItems: MAX_BATCH },
    handle: async (req) => {
      const body = requireJsonBody(req.body);
      const events = body.events;
      if (!Array.isArray(events) || events.length === 0 || Object.keys(body).length !== 1)
        throw new ApiError('invalid_event', 'a batch is { "events": [envelope, …] } with 1 to 1000 events');
      if (events.length > MAX_BATCH)
        throw new ApiError('payload_too_large', `a batch holds at most ${MAX_BATCH} events; got ${events.length}`);
      const { created, receipts } = await ingest.submit(events, true);
      return json({ receipts }, created ? 201 : 200);
    },
  },
];
