/** Webhook subscriptions (SPEC §15; docs/WEBHOOKS.md). */
import { z } from 'zod';
import { id, timestamp } from './common.js';
import type { RouteDoc } from './routes.js';
import { ANOMALY_RULES, ANOMALY_SEVERITIES } from './regulator.js';

export const WEBHOOK_TOPICS = ['entry', 'recall', 'anomaly'] as const;

export const subscriptionRequest = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .meta({ description: 'http(s) URL whose host is allowed by ANXIN_WEBHOOK_ALLOW' }),
    topics: z
      .array(z.enum(WEBHOOK_TOPICS))
      .min(1)
      .max(3)
      .refine((t) => new Set(t).size === t.length, 'topics must not repeat'),
    filter: z
      .strictObject({
        types: z.array(z.string().min(1).max(64)).min(1).max(50).optional().meta({ description: 'entry topic: only these event types' }),
        rules: z.array(z.enum(ANOMALY_RULES)).min(1).optional().meta({ description: 'anomaly topic: only these rules' }),
        severity: z.enum(ANOMALY_SEVERITIES).optional().meta({ description: 'anomaly topic: red = red anomalies only' }),
      })
      .optional(),
  })
  .meta({ id: 'SubscriptionRequest' });
export type SubscriptionRequest = z.infer<typeof subscriptionRequest>;

export const subscriptionView = z
  .object({
    id,
    owner: id,
    url: z.string(),
    topics: z.array(z.enum(WEBHOOK_TOPICS)),
    filter: subscriptionRequest.shape.filter,
    createdAt: timestamp,
    cursor: z
      .object({ index: z.number().int().nonnegative(), part: z.number().int().nonnegative() })
      .meta({ description: 'the next message to deliver: the entry index and how many of its messages were delivered' }),
  })
  .meta({ id: 'Subscription' });

export const delivery = z
  .object({
    seq: z.number().int().positive(),
    topic: z.enum(WEBHOOK_TOPICS),
    index: z.number().int().nonnegative(),
    at: timestamp,
    attempt: z.number().int().positive(),
    ok: z.boolean(),
    status: z.number().int().nullable(),
    error: z.string().optional(),
  })
  .meta({ id: 'Delivery' });

const idParam = z.object({ id });

export const webhookDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/subscriptions',
    tag: 'webhooks',
    summary: 'Subscribe a URL to anomalies, recalls or every entry (regulators, auditors)',
    description:
      'Signed as the reads (RFC 9421) with `content-digest` (RFC 9530, sha-256) added to the covered components: ' +
      '`("@method" "@path" "@query" "content-digest")`. Deliveries are POSTed as `{ topic, index, data }`, signed by the operator ' +
      'key (`("@method" "@target-uri" "content-digest")`, keyid = the log origin), at least once, in order, retried with backoff ' +
      'until 2xx; they start with the next entry appended (docs/WEBHOOKS.md).',
    auth: 'signed',
    body: subscriptionRequest,
    responses: { 201: { description: 'The subscription', schema: subscriptionView } },
    errors: ['unauthenticated', 'forbidden', 'invalid_json', 'invalid_request', 'payload_too_large', 'not_found'],
  },
  {
    method: 'get',
    path: '/v1/subscriptions/{id}',
    tag: 'webhooks',
    summary: 'A subscription and its delivery cursor (its owner only)',
    auth: 'signed',
    params: idParam,
    responses: { 200: { description: 'The subscription', schema: subscriptionView } },
    errors: ['unauthenticated', 'forbidden', 'not_found'],
  },
  {
    method: 'delete',
    path: '/v1/subscriptions/{id}',
    tag: 'webhooks',
    summary: 'Ends a subscription and drops its delivery log (its owner only)',
    auth: 'signed',
    params: idParam,
    responses: { 204: { description: 'Deleted' } },
    errors: ['unauthenticated', 'forbidden', 'not_found'],
  },
  {
    method: 'get',
    path: '/v1/subscriptions/{id}/deliveries',
    tag: 'webhooks',
    summary: 'The delivery log: the latest attempts, newest first (its owner only)',
    auth: 'signed',
    params: idParam,
    query: z.object({ limit: z.string().optional().meta({ description: '1 to 1000, default 100' }) }),
    responses: { 200: { description: 'Attempts', schema: z.object({ deliveries: z.array(delivery) }) } },
    errors: ['unauthenticated', 'forbidden', 'not_found', 'invalid_request'],
  },
];
