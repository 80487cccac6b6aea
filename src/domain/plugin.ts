/**
 * The domain plug-in point. Each event type registers its body schema, who may
 * post it, and a pure rule function over a state view. The same functions run
 * when an event is posted (against the ledger's transaction) and when the
 * verifier replays the log (against an in-memory state), so a rule that the
 * service enforces is a rule the verifier checks.
 */
import type { z } from 'zod';
import type { Entry, Envelope, GenesisBody, Ledger } from '../../ledger/index.js';
import type { Role } from '../../schemas/common.js';
import type { ErrorCode } from '../errors.js';
import type { Config } from '../config.js';
import type { RouteDoc } from '../../schemas/routes.js';
import type { Catalogue } from './catalogue.js';
import type { Route } from '../http/route.js';

/** Domain state: JSON values by key. Rules read and write only through this. */
export interface State {
  get<T = unknown>(key: string): T | undefined;
  put(key: string, value: unknown): void;
  del(key: string): void;
}

/** Who signed an event or a request. */
export interface Principal {
  id: string;
  role: Role;
  status: 'active' | 'suspended';
  publicKey: string;
}

export interface EventContext {
  /** Ledger index the event gets. */
  index: number;
  /** Server receive time of the entry (RFC 3339) and in ms. */
  at: string;
  atMs: number;
  /** The signer, already authenticated, active and of a permitted role. */
  principal: Principal;
  /**
   * Checks a co-signature (base64url) by `publicKey` over this event's signing
   * input; an invalid one is rejected as `code`. (Deferred to worker threads when replaying.)
   */
  requireSignature(publicKey: string, signature: string, code: ErrorCode, detail: string): void;
}

export interface Event<B> extends Envelope {
  body: B;
}

export interface EventType<B = any> {
  type: string;
  /** Strict zod schema of the body; unknown fields are rejected. */
  body: z.ZodType<B>;
  /** Roles that may post it ('any' = every registered role, not card holders). Relational rules live in `apply`. */
  roles: readonly Role[] | 'any';
  /** Checks the rules and writes the state; throws ApiError with the SPEC code on a rejection. Pure. */
  apply(state: State, event: Event<B>, ctx: EventContext): void;
}

/** Runs after every accepted event, of any type (e.g. anomaly detectors). Pure, like rules. */
export type Observer = (state: State, event: Envelope, ctx: EventContext) => void;

/** Resolves an actor id to its principal, or undefined when this plug-in does not know it. */
export type PrincipalResolver = (state: Pick<State, 'get'>, actor: string) => Principal | undefined;

/** Writes the state the genesis entry establishes. */
export type GenesisHandler = (state: State, body: GenesisBody, entry: Entry) => void;

export interface Services {
  ledger: Ledger;
  /** Every plug-in's event types, resolvers and observers. */
  catalogue: Catalogue;
  config: Config;
  now: () => number;
  /** Who an actor id (or card:<id>) is, in committed state. */
  principal(actor: string): Principal | undefined;
}

export interface Plugin {
  name: string;
  events?: EventType[];
  principals?: PrincipalResolver;
  observers?: Observer[];
  genesis?: GenesisHandler;
  /** HTTP routes (full /v1 paths), served by the one pipeline; see http/route.ts for the contract. */
  routes?(services: Services): Route[];
  /** OpenAPI descriptions of those routes. */
  docs?: RouteDoc[];
}
