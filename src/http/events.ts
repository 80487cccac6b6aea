/**
 * POST /v1/events and /v1/events/batch (SPEC §8): the service's hot path, so
 * they are FastRoutes (see fast-routes.ts) — plain Node.js handlers that the app
 * mounts and the server also answers ahead of Express.
 */
import type { IncomingMessage } from 'node:http';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import { ApiError } from '../errors.js';
import type { Ingest } from '../ingest.js';
import { guarded, sendJson, type FastRoute } from './fast-routes.js';

export const EVENT_BODY_LIMIT = 256 * 1024;
export const BATCH_BODY_LIMIT = 8 * 1024 * 1024;
export const MAX_BATCH = 1000;

const JSON_TYPE = /^application\/(?:json|[^/\s;]+\+json)$/;

/**
 * Reads a JSON body the way body-parser's strict json() does: only JSON media
 * types (anything else is "no body"), UTF-8 only, gzip/deflate/br decoded, the
 * limit applied to the decoded bytes, an empty body read as {}, and only an
 * object or array at the top.
 */
export const readJsonBody = async (req: IncomingMessage, limit: number): Promise<unknown> => {
  const [type, ...params] = (req.headers['content-type'] ?? '').split(';').map((s) => s.trim().toLowerCase());
  if (!JSON_TYPE.test(type)) return undefined;
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8') throw new ApiError('invalid_json', `the body must be UTF-8, not ${charset}`);
  const tooLarge = () =>
    new ApiError('payload_too_large', `the body is larger than the limit of ${limit} bytes; split it into smaller requests`);
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const decoders: Record<string, () => NodeJS.ReadWriteStream> = { gzip: createGunzip, deflate: createInflate, br: createBrotliDecompress };
  if (encoding !== 'identity' && !decoders[encoding])
    throw new ApiError('invalid_json', `Content-Encoding ${encoding} is not supported (use gzip, deflate or br)`);
  if (encoding === 'identity' && Number(req.headers['content-length']) > limit) {
    req.resume();
    throw tooLarge();
  }
  const stream: Readable = encoding === 'identity' ? req : (req.pipe(decoders[encoding]()) as unknown as Readable);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        req.resume();
        throw tooLarge();
      }
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError('invalid_json', 'the body could not be read; check its Content-Encoding and Content-Length');
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const first = /\S/.exec(text)?.[0];
  if (first === undefined) return {};
  if (first !== '{' && first !== '[') throw new ApiError('invalid_json', 'the body is not valid UTF-8 JSON (an object or array)');
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('invalid_json', 'the body is not valid UTF-8 JSON (an object or array)');
  }
};

const requireJsonBody = (body: unknown): Record<string, unknown> => {
  if (body === undefined) throw new ApiError('invalid_json', 'send a JSON body with Content-Type: application/json');
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError('invalid_event', 'the body must be a JSON object');
  return body as Record<string, unknown>;
};

/** The two ingest routes. */
export const ingestRoutes = (ingest: Ingest, log: (err: unknown) => void): FastRoute[] => [
  {
    method: 'POST',
    path: '/v1/events',
    handle: guarded(async (req, res) => {
      const { created, receipts } = await ingest.submit([requireJsonBody(await readJsonBody(req, EVENT_BODY_LIMIT))], false);
      sendJson(res, created ? 201 : 200, receipts[0]);
    }, log),
  },
  {
    method: 'POST',
    path: '/v1/events/batch',
    handle: guarded(async (req, res) => {
      const body = requireJsonBody(await readJsonBody(req, BATCH_BODY_LIMIT));
      const events = body.events;
      if (!Array.isArray(events) || events.length === 0 || Object.keys(body).length !== 1)
        throw new ApiError('invalid_event', 'a batch is { "events": [envelope, …] } with 1 to 1000 events');
      if (events.length > MAX_BATCH)
        throw new ApiError('payload_too_large', `a batch holds at most ${MAX_BATCH} events; got ${events.length}`);
      const { created, receipts } = await ingest.submit(events, true);
      sendJson(res, created ? 201 : 200, { receipts });
    }, log),
  },
];
