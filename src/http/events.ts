/** POST /v1/events and /v1/events/batch (SPEC §8). */
import express, { Router } from 'express';
import { ApiError } from '../errors.js';
import type { Ingest } from '../ingest.js';

export const EVENT_BODY_LIMIT = 256 * 1024;
export const BATCH_BODY_LIMIT = 8 * 1024 * 1024;
export const MAX_BATCH = 1000;

const json = (limit: number) => express.json({ limit, strict: true, type: ['application/json', 'application/*+json'] });

const requireJsonBody = (body: unknown): Record<string, unknown> => {
  if (body === undefined) throw new ApiError('invalid_json', 'send a JSON body with Content-Type: application/json');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError('invalid_event', 'the body must be a JSON object');
  return body as Record<string, unknown>;
};

export const eventRoutes = (ingest: Ingest): Router => {
  const r = Router();
  r.post('/events', json(EVENT_BODY_LIMIT), async (req, res) => {
    const { created, receipts } = await ingest.submit([requireJsonBody(req.body)], false);
    res.status(created ? 201 : 200).json(receipts[0]);
  });
  r.post('/events/batch', json(BATCH_BODY_LIMIT), async (req, res) => {
    const body = requireJsonBody(req.body);
    const events = body.events;
    if (!Array.isArray(events) || events.length === 0 || Object.keys(body).length !== 1)
      throw new ApiError('invalid_event', 'a batch is { "events": [envelope, …] } with 1 to 1000 events');
    if (events.length > MAX_BATCH) throw new ApiError('payload_too_large', `a batch holds at most ${MAX_BATCH} events; got ${events.length}`);
    const { created, receipts } = await ingest.submit(events, true);
    res.status(created ? 201 : 200).json({ receipts });
  });
  return r;
};
