/**
 * Admission of an event: the checks of SPEC §2 and §5 in a fixed order, then the
 * event type's rule. Used verbatim by the HTTP ingest path and by the verifier's
 * replay, so both reject the same events with the same codes.
 *
 *   parseEvent (stateless):  envelope shape → invalid_event; type → unknown_type;
 *                            body → invalid_event
 *   admitEvent (stateful):   clock skew → stale_event; signer → unknown_actor;
 *                            status → actor_suspended; role → forbidden;
 *                            sig → bad_signature; the rule's own codes
 *                            (everything cheap before the one Ed25519 check)
 *
 * (actor, id) idempotency sits between the two on the ingest path (a retry is
 * answered before its clock is checked) and in the engine on replay.
 */
import { z } from 'zod';
import { canonicalEnvelope, signingInput, type Envelope } from '../../ledger/index.js';
import { envelope as envelopeSchema } from '../../schemas/envelope.js';
import { ApiError, type ErrorCode } from '../errors.js';
import type { Catalogue } from './catalogue.js';
import type { EventContext, EventType, State } from './plugin.js';

export interface ParsedEvent {
  event: Envelope;
  type: EventType;
  /** The signing input (SPEC §2). */
  message: Uint8Array;
  /** JCS of the whole envelope (what the entry's leaf covers), when parseEvent computed it. */
  canonical?: string;
}

/** Renders zod issues as "path: message; …" for a problem detail. */
export const describeIssues = (error: z.ZodError, prefix = ''): string =>
  error.issues
    .slice(0, 5)
    .map((i) => {
      const path = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
      return `${path || '(root)'}: ${i.message}`;
    })
    .join('; ');

/** Stateless checks. `message` may be passed when the caller already computed the signing input (replay). */
export const parseEvent = (catalogue: Catalogue, raw: unknown, message?: Uint8Array): ParsedEvent => {
  const env = envelopeSchema.safeParse(raw);
  if (!env.success) throw new ApiError('invalid_event', describeIssues(env.error));
  const event = raw as Envelope;
  const type = catalogue.types.get(event.type);
  if (!type) throw new ApiError('unknown_type', `no event type ${event.type}; see /openapi.yaml for the catalogue`);
  const body = type.body.safeParse(event.body);
  if (!body.success) throw new ApiError('invalid_event', describeIssues(body.error, 'body'));
  if (message) return { event, type, message };
  try {
    const canonical = canonicalEnvelope(event);
    return { event, type, message: signingInput(event, canonical.unsigned), canonical: canonical.full };
  } catch (e) {
    throw new ApiError('invalid_event', `the event cannot be canonicalized: ${(e as Error).message}`);
  }
};

export interface AdmitContext {
  index: number;
  /** Server receive time. */
  at: string;
  maxSkewS: number;
  /** Verifies a signature over the event's signing input now (ingest) or later (replay); rejects as `code`. */
  requireSignature(publicKey: string, signature: string, code: ErrorCode, detail: string): void;
  /** Whether to keep the query indexes (DomainPlugin.indexes); default true. Replay, which checks rules only, skips them. */
  indexes?: boolean;
}

/** Admits the event into `state`; returns the subjects the entry concerns (SPEC §12), in the order declared. */
export const admitEvent = (catalogue: Catalogue, state: State, parsed: ParsedEvent, ctx: AdmitContext): string[] => {
  const { event, type } = parsed;
  const atMs = Date.parse(ctx.at);
  const skew = Math.abs(Date.parse(event.at) - atMs);
  if (skew > ctx.maxSkewS * 1000)
    throw new ApiError(
      'stale_event',
      `at is ${Math.round(skew / 1000)} s from the server clock (${ctx.at}); the limit is ${ctx.maxSkewS} s`,
    );
  const principal = catalogue.principal(state, event.actor);
  if (!principal) throw new ApiError('unknown_actor', `${event.actor} is not a registered actor or a card with a holder key`);
  // Status and role are public (GET /v1/actors/{id}) and cost nothing: they come before the Ed25519 check.
  if (principal.status !== 'active') throw new ApiError('actor_suspended', `${event.actor} is suspended and cannot post events`);
  const allowed = type.roles === 'any' ? principal.role !== 'holder' : type.roles.includes(principal.role);
  if (!allowed) throw new ApiError('forbidden', `a ${principal.role} may not post ${event.type}`);
  ctx.requireSignature(principal.publicKey, event.sig, 'bad_signature', `sig does not verify with ${event.actor}'s current key`);
  // Co-signatures are verified or refused: every cosig the rule did not check is invalid_event, so nothing
  // unverified is ever stored beside verified signatures (docs/API.md "Order of checks").
  const checked = new Set<string>();
  const requireSignature: AdmitContext['requireSignature'] = (publicKey, signature, code, detail) => {
    ctx.requireSignature(publicKey, signature, code, detail);
    checked.add(signature);
  };
  const subjects: string[] = [];
  const concern = (subject: string) => void (subjects.includes(subject) || subjects.push(subject));
  const ectx: EventContext = { index: ctx.index, at: ctx.at, atMs, principal, requireSignature, concern };
  type.apply(state, event, ectx);
  for (const [name, sig] of Object.entries(event.cosig ?? {}))
    if (!checked.has(sig)) throw new ApiError('invalid_event', `cosig.${name}: ${event.type} does not use it here; omit it`);
  for (const observe of catalogue.observers) observe(state, event, ectx);
  if (ctx.indexes !== false) for (const index of catalogue.indexes) index(state, event, ectx);
  return subjects;
};
