/**
 * /v1/subscriptions (SPEC §15): thin handlers over the store and the
 * dispatcher. POST is signed over its body (signature.ts, content-digest
 * covered); GET and DELETE are signed like every read. Only regulators and
 * auditors subscribe; a subscription is its owner's alone — another caller is
 * told `not_found`, so ids reveal nothing.
 */
import { randomBytes } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { fromBase64Url, nodeSuite, utf8 } from '../../ledger/index.js';
import { subscriptionRequest } from '../../schemas/webhooks.js';
import type { Principal, Services } from '../domain/plugin.js';
import { ApiError } from '../errors.js';
import { allow } from '../http/auth.js';
import { MAX_AGE_S } from '../http/message-signatures.js';
import { parseInput, queryInt } from '../http/params.js';
import { resolveTarget } from './allow.js';
import type { Webhooks } from './index.js';
import { BODY_COMPONENTS, bodySignatureBase, contentDigest, parseProfileSignature } from './signature.js';
import type { Subscription } from './store.js';

const ROLES = ['regulator', 'auditor'] as const;
/** A subscription request is small. */
const MAX_BODY = '16kb';

const view = (s: Subscription) => ({
  id: s.id,
  owner: s.owner,
  url: s.url,
  topics: s.topics,
  ...(s.filter && { filter: s.filter }),
  createdAt: s.createdAt,
  cursor: s.cursor,
});

/** Verifies an RFC 9421 signature covering the body's Content-Digest; returns the signer. */
export const verifyBodySignature = (services: Pick<Services, 'now' | 'principal'>, req: Request, raw: Buffer): Principal => {
  const parsed = parseProfileSignature(req.get('signature-input'), req.get('signature'), BODY_COMPONENTS);
  if (typeof parsed === 'string') throw new ApiError('unauthenticated', parsed);
  const age = Math.floor(services.now() / 1000) - parsed.created;
  if (Math.abs(age) > MAX_AGE_S)
    throw new ApiError('unauthenticated', `the signature was created ${age} s ago; it must be within ±${MAX_AGE_S} s of the server clock`);
  const digest = req.get('content-digest');
  if (!digest || digest !== contentDigest(raw))
    throw new ApiError('unauthenticated', 'Content-Digest must be the sha-256 of the body (RFC 9530: sha-256=:<base64>:)');
  const principal = services.principal(parsed.keyid);
  if (!principal) throw new ApiError('unauthenticated', `keyid ${parsed.keyid} is not a registered actor`);
  const base = bodySignatureBase(req.method, req.originalUrl, digest, parsed.params);
  if (!nodeSuite.verify(fromBase64Url(principal.publicKey)!, utf8(base), parsed.signature))
    throw new ApiError('unauthenticated', `the signature does not verify with ${parsed.keyid}'s current key`);
  return principal;
};

const deliveriesQuery = z.object({ limit: queryInt.refine((n) => n >= 1 && n <= 1000, 'must be 1 to 1000').optional() });

export const webhookRoutes = (services: Services, hooks: Webhooks | undefined): Router => {
  const r = Router();
  const enabled = (): Webhooks => {
    if (!hooks) throw new ApiError('not_found', 'webhooks are not enabled on this server');
    return hooks;
  };
  const owned = async (req: Request, res: Response): Promise<Subscription> => {
    const p = allow(res, ROLES);
    const sub = await enabled().store.get(String(req.params.id));
    if (!sub || sub.owner !== p.id) throw new ApiError('not_found', `no subscription ${String(req.params.id).slice(0, 80)} of yours`);
    return sub;
  };

  r.post('/subscriptions', express.raw({ type: () => true, limit: MAX_BODY }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const principal = verifyBodySignature(services, req, raw);
    res.locals.principal = principal;
    allow(res, ROLES);
    const h = enabled();
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new ApiError('invalid_json', 'the body is not JSON');
    }
    const body = parseInput(subscriptionRequest, json, 'body');
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
    res.status(201).location(`/v1/subscriptions/${sub.id}`).json(view(sub));
  });

  r.get('/subscriptions/:id', services.signed, async (req, res) => {
    res.json(view(await owned(req, res)));
  });

  r.delete('/subscriptions/:id', services.signed, async (req, res) => {
    const sub = await owned(req, res);
    const h = enabled();
    await h.dispatcher.stop(sub.id);
    await h.store.delete(sub.id);
    res.status(204).end();
  });

  r.get('/subscriptions/:id/deliveries', services.signed, async (req, res) => {
    const sub = await owned(req, res);
    const { limit } = parseInput(deliveriesQuery, req.query, 'query');
    res.json({ deliveries: await enabled().store.log(sub.id, limit ?? 100) });
  });

  return r;
};
