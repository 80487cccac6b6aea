/**
 * /v1/subscriptions (SPEC §15): thin handlers over the store and the
 * dispatcher, on the one pipeline (http/route.ts). POST is signed over its
 * body (signature.ts, content-digest covered, checked against the body's bytes
 * as read); GET and DELETE are signed like every read. Only regulators and
 * auditors subscribe; a subscription is its owner's alone — another caller is
 * told `not_found`, so ids reveal nothing.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { fromBase64Url, nodeSuite, utf8, SIGNATURE_MAX_AGE_S } from '../../ledger/index.js';
import { subscriptionRequest } from '../../schemas/webhooks.js';
import type { Principal } from '../domain/plugin.js';
import { ApiError } from '../errors.js';
import { allow } from '../http/auth.js';
import { parseInput, queryInt } from '../http/params.js';
import type { Services } from '../http/plugin-http.js';
import { json, type HttpRequest, type Route } from '../http/route.js';
import { resolveTarget } from './allow.js';
import type { Webhooks } from './index.js';
import { BODY_COMPONENTS, bodySignatureBase, contentDigest, parseProfileSignature } from './signature.js';
import type { Subscription } from './store.js';

const ROLES = ['regulator', 'auditor'] as const;
/** A subscription request is small. */
const MAX_BODY = 16 * 1024;

const view = (s: Subscription) => ({
  id: s.id,
  owner: s.owner,
  url: s.url,
  topics: s.topics,
  ...(s.filter && { filter: s.filter }),
  createdAt: s.createdAt,
  cursor: s.cursor,
});

/** The one header value (Node joins repeated ones). */
const one = (h: string | string[] | undefined): string | undefined => (Array.isArray(h) ? h.join(', ') : h);

/** Verifies an RFC 9421 signature covering the body's Content-Digest (RFC 9530) of `raw`; returns the signer. */
export const verifyBodySignature = (services: Pick<Services, 'now' | 'principal'>, req: HttpRequest, raw: Uint8Array): Principal => {
  const parsed = parseProfileSignature(one(req.headers['signature-input']), one(req.headers.signature), BODY_COMPONENTS);
  if (typeof parsed === 'string') throw new ApiError('unauthenticated', parsed);
  const age = Math.floor(services.now() / 1000) - parsed.created;
  if (Math.abs(age) > SIGNATURE_MAX_AGE_S)
    throw new ApiError(
      'unauthenticated',
      `the signature was created ${age} s ago; it must be within ±${SIGNATURE_MAX_AGE_S} s of the server clock`,
    );
  const digest = one(req.headers['content-digest']);
  if (!digest || digest !== contentDigest(raw))
    throw new ApiError('unauthenticated', 'Content-Digest must be the sha-256 of the body (RFC 9530: sha-256=:<base64>:)');
  const principal = services.principal(parsed.keyid);
  if (!principal) throw new ApiError('unauthenticated', `keyid ${parsed.keyid} is not a registered actor`);
  const base = bodySignatureBase(req.method, req.target, digest, parsed.params);
  if (!nodeSuite.verify(fromBase64Url(principal.publicKey)!, utf8(base), parsed.signature))
    throw new ApiError('unauthenticated', `the signature does not verify with ${parsed.keyid}'s current key`);
  return principal;
};

const deliveriesQuery = z.object({ limit: queryInt.refine((n) => n >= 1 && n <= 1000, 'must be 1 to 1000').optional() });

export const webhookRoutes = (services: Services, hooks: Webhooks | undefined): Route[] => {
  const enabled = (): Webhooks => {
    if (!hooks) throw new ApiError('not_found', 'webhooks are not enabled on this server');
    return hooks;
  };
  const owned = async (req: HttpRequest): Promise<Subscription> => {
    const p = allow(req.principal, ROLES);
    const id = req.params.id;
    const sub = await enabled().store.get(id);
    if (!sub || sub.owner !== p.id) throw new ApiError('not_found', `no subscription ${id.slice(0, 80)} of yours`);
    return sub;
  };

  return [
    {
      method: 'POST',
      path: '/v1/subscriptions',
      // Signed over the body (Content-Digest), not like a read: checked here, on the bytes as read.
      auth: 'body',
      body: { limit: MAX_BODY },
      handle: async (req) => {
        const principal = verifyBodySignature(services, req, req.rawBody ?? new Uint8Array(0));
        allow(principal, ROLES);
        const h = enabled();
        if (req.body === undefined) throw new ApiError('invalid_json', 'the body must be JSON (Content-Type: application/json)');
        const body = parseInput(subscriptionRequest, req.body, 'body');
        const target = await resolveTarget(h.allow, new URL(body.url), h.resolve);
        if (typeof target === 'string') throw new ApiError('invalid_request', `body.url: ${target}`);
        const sub: Subscription = {
          id: `sub-${randomBytes(12).toString('hex')}`,
          owner: principal.id,
          url: body.url,
          topics: body.topics,
          ...(body.filter && { filter: body.filter }),
          createdAt: new Date(services.now()).toISOString(),
          // Deliveries start with the next entry appended.
          cursor: { index: services.ledger.size, part: 0 },
          seq: 0,
        };
        await h.store.put(sub);
        h.dispatcher.run(sub.id);
        return json(view(sub), 201, { location: `/v1/subscriptions/${sub.id}` });
      },
    },
    {
      method: 'GET',
      path: '/v1/subscriptions/{id}',
      auth: 'required',
      handle: async (req) => json(view(await owned(req))),
    },
    {
      method: 'DELETE',
      path: '/v1/subscriptions/{id}',
      auth: 'required',
      handle: async (req) => {
        const sub = await owned(req);
        const h = enabled();
        await h.dispatcher.stop(sub.id);
        await h.store.delete(sub.id);
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/v1/subscriptions/{id}/deliveries',
      auth: 'required',
      handle: async (req) => {
        const sub = await owned(req);
        const { limit } = parseInput(deliveriesQuery, req.query, 'query');
        return json({ deliveries: await enabled().store.log(sub.id, limit ?? 100) });
      },
    },
  ];
};
