/**
 * Route descriptions of the service's own routes (SPEC §8): event ingest, the
 * ledger's reads, health and the API description itself. Plug-ins describe
 * theirs next to their schemas; scripts/openapi.ts joins them into openapi.yaml.
 */
import { z } from 'zod';
import {
  batchResponse,
  consistencyProof,
  entryPage,
  entryWithProof,
  envelope,
  indexParam,
  latestCheckpoint,
  ledgerInfo,
  receipt,
} from './envelope.js';
import { ERROR_CODES, type ErrorCode } from './errors.js';
import type { RouteDoc } from './routes.js';
import { webhookDocs } from './webhooks.js';

/** The most events one batch may hold (SPEC §8). */
export const MAX_BATCH_EVENTS = 1000;

/**
 * A signed event of any catalogued type. This schema is the generic envelope;
 * scripts/openapi.ts replaces its component (`Event`) with a oneOf over every
 * event type of every plug-in, each with its own body schema.
 */
export const anyEvent = envelope.meta({
  id: 'Event',
  description: 'A signed event of any type in the catalogue; `type` selects the body schema (see x-anxin-events).',
});

export const eventBatch = z
  .strictObject({ events: z.array(anyEvent).min(1).max(MAX_BATCH_EVENTS) })
  .meta({ id: 'EventBatch', description: 'Events appended atomically and in order.' });

export const health = z.object({ ok: z.literal(true), size: z.number().int().nonnegative() }).meta({ id: 'Health' });

export const unhealthy = z
  .object({
    ok: z.literal(false),
    size: z.number().int().nonnegative(),
    reason: z.string().meta({ description: 'why the ledger takes no writes (a full disk, an I/O error)' }),
    since: z.string().meta({ description: 'when it stopped taking writes (RFC 3339)' }),
    probes: z.number().int().nonnegative().meta({ description: 'write probes tried since; it heals by itself once one succeeds' }),
  })
  .meta({ id: 'Unhealthy' });

export const accessRecord = z
  .object({
    id: z.string().regex(/^[0-9a-f]{24}$/),
    at: z.string(),
    actor: z.string().meta({ description: 'the verified caller; for a signature that did not verify, the keyid it claimed' }),
    role: z.string().optional().meta({ description: "the verified caller's role; absent when the signature did not verify" }),
    method: z.string(),
    path: z.string(),
    status: z.number().int().optional().meta({ description: 'HTTP status answered; absent when the client left before the answer' }),
    ms: z.number().nonnegative().optional().meta({ description: 'milliseconds from the request to the end of its answer' }),
  })
  .meta({ id: 'AccessRecord' });

export const accessLogPage = z
  .object({
    records: z.array(accessRecord),
    next: z.string().nullable().meta({ description: 'path and query of the next (older) page, or null' }),
  })
  .meta({ id: 'AccessLogPage' });

export const accessLogQuery = z.object({
  before: z
    .string()
    .regex(/^[0-9a-f]{24}$/)
    .optional()
    .meta({ description: 'a record id: only older records' }),
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,3}$/)
    .optional()
    .meta({ description: 'page size, 1 to 1000 (default 100)' }),
});

/** Codes only reads answer with: never the outcome of posting an event. */
const READ_ONLY: readonly ErrorCode[] = ['unauthenticated', 'invalid_request', 'batch_rejected'];

/** A posted event can be rejected with any code but the read-only ones: admission's and every plug-in rule's. */
export const EVENT_ERRORS: readonly ErrorCode[] = ERROR_CODES.filter((c) => !READ_ONLY.includes(c));

const RECEIPT_HELP =
  'The receipt carries a checkpoint covering the entry (size > index), so the caller can fetch and check ' +
  'the inclusion proof at once with GET /v1/entries/{index}?size=<checkpoint.size>.';

export const coreDocs: RouteDoc[] = [
  ...webhookDocs,
  {
    method: 'post',
    path: '/v1/events',
    tag: 'events',
    summary: 'Append one signed event',
    description:
      'The event is checked in a fixed order — envelope, type, body (strict), clock skew, signer, signature, ' +
      "status, role — then by its type's rules, and appended. Resubmitting an identical envelope is an " +
      "idempotent retry answered 200 with the original entry's receipt; the same (actor, id) with other " +
      'content is 409 duplicate_id. ' +
      RECEIPT_HELP,
    auth: 'event',
    body: anyEvent,
    responses: {
      201: { description: 'Appended', schema: receipt },
      200: { description: "An identical retry: the original entry's receipt", schema: receipt },
    },
    errors: EVENT_ERRORS,
  },
  {
    method: 'post',
    path: '/v1/events/batch',
    tag: 'events',
    summary: 'Append up to 1000 signed events atomically and in order',
    description:
      'An event may depend on an earlier one in the same batch. Any rejection rejects the whole batch with ' +
      '422 batch_rejected and `errors: [{ i, code, detail }]` (at least the first failing item, with the code ' +
      'that event alone would get); nothing is appended. A batch of identical retries is answered 200.',
    auth: 'event',
    body: eventBatch,
    responses: {
      201: { description: 'Appended; one receipt per event, in order', schema: batchResponse },
      200: { description: 'Every event was an identical retry', schema: batchResponse },
    },
    errors: ['invalid_json', 'invalid_event', 'payload_too_large', 'batch_rejected', 'unavailable', 'not_sequencer'],
  },
  {
    method: 'get',
    path: '/v1/ledger',
    tag: 'ledger',
    summary: 'The trust anchor a verifier pins: origin and operator key',
    auth: 'public',
    responses: { 200: { description: 'Origin, operator public key and its signed-note verifier key', schema: ledgerInfo } },
    errors: [],
  },
  {
    method: 'get',
    path: '/v1/checkpoint',
    tag: 'ledger',
    summary: 'The latest signed checkpoint',
    auth: 'public',
    responses: {
      200: {
        description: 'The checkpoint (JSON form, with its signed note) and the newest witness-cosigned one',
        schema: latestCheckpoint,
      },
    },
    errors: [],
  },
  {
    method: 'get',
    path: '/v1/proofs/consistency',
    tag: 'ledger',
    summary: 'An RFC 9162 consistency proof between two tree sizes',
    auth: 'public',
    query: z.object({ from: indexParam, to: indexParam }),
    responses: {
      200: { description: 'The proof that the tree of size `from` is a prefix of the tree of size `to`', schema: consistencyProof },
    },
    errors: ['invalid_request', 'not_found'],
  },
  {
    method: 'get',
    path: '/v1/entries',
    tag: 'ledger',
    summary: 'A page of entries (regulators and auditors)',
    auth: 'signed',
    query: z.object({
      from: indexParam.optional().meta({ description: 'First index (default 0)' }),
      limit: indexParam.optional().meta({ description: 'Page size, 1 to 1000 (default 100)' }),
    }),
    responses: { 200: { description: 'The entries and `next`, the path of the next page or null', schema: entryPage } },
    errors: ['invalid_request', 'unauthenticated', 'forbidden'],
  },
  {
    method: 'get',
    path: '/v1/entries/{index}',
    tag: 'ledger',
    summary: "An entry with its inclusion proof (regulators, auditors, the entry's actor)",
    auth: 'signed',
    params: z.object({ index: indexParam }),
    query: z.object({
      size: indexParam.optional().meta({ description: 'Tree size of a signed checkpoint to prove against (default: the latest)' }),
    }),
    responses: { 200: { description: 'The entry, its RFC 9162 inclusion proof and the checkpoint at that size', schema: entryWithProof } },
    errors: ['invalid_request', 'unauthenticated', 'forbidden', 'not_found'],
  },
  {
    method: 'get',
    path: '/v1/entries/{index}/proof',
    tag: 'ledger',
    summary: "A C2SP tlog-proof of an entry, to keep and verify offline (regulators, auditors, the entry's actor)",
    description:
      'c2sp.org/tlog-proof against the newest checkpoint that meets the witness quorum of ANXIN_WITNESS_POLICY (the newest ' +
      'signed checkpoint without a policy), with the canonical entry JCS({index, at, event}) in its extra line. ' +
      'Check one with `anxin verify-proof --policy FILE PROOF`. 404 while no such checkpoint covers the entry yet.',
    auth: 'signed',
    params: z.object({ index: indexParam }),
    responses: { 200: { description: 'The proof (text)', contentType: 'text/plain', schema: z.string() } },
    errors: ['invalid_request', 'unauthenticated', 'forbidden', 'not_found'],
  },
  {
    method: 'get',
    path: '/healthz',
    tag: 'service',
    summary: 'Liveness, the durable ledger size, and whether the ledger takes writes',
    description:
      '503 while the ledger takes no writes after a failed one (a full disk, an I/O error), with the reason; ' +
      'it probes and heals by itself (docs/OPERATIONS.md).',
    auth: 'public',
    responses: {
      200: { description: 'The service is up and takes writes', schema: health },
      503: { description: 'The ledger takes no writes now', schema: unhealthy },
    },
    errors: [],
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'service',
    summary: 'Prometheus metrics (text exposition format)',
    description:
      'Ledger size, appends, rejections by code, append and fsync latency, signature backlog; the list is in docs/OPERATIONS.md.',
    auth: 'public',
    responses: { 200: { description: 'The metrics', schema: z.string(), contentType: 'text/plain' } },
    errors: [],
  },
  {
    method: 'get',
    path: '/v1/regulator/access-log',
    tag: 'regulator',
    summary: 'Who read what, when: every authenticated read, newest first',
    description:
      'Regulators only. Kept off the public ledger, in its own store beside it (docs/OPERATIONS.md "Access log"). ' +
      'Reading it is itself recorded.',
    auth: 'signed',
    query: accessLogQuery,
    responses: { 200: { description: 'A page of access records', schema: accessLogPage } },
    errors: ['unauthenticated', 'forbidden', 'actor_suspended', 'invalid_request', 'unavailable'],
  },
  {
    method: 'get',
    path: '/openapi.yaml',
    tag: 'service',
    summary: 'This API description (Swagger UI at /docs)',
    auth: 'public',
    responses: { 200: { description: 'OpenAPI 3.1', contentType: 'application/yaml', schema: z.string() } },
    errors: [],
  },
];
