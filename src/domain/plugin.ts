/**
 * The pure half of a plug-in: its event types (body schema, who may post it, a
 * rule over state), who its principals are, what it observes and what genesis
 * establishes. The same functions run when an event is posted (against the
 * ledger's transaction) and when the verifier replays the log (against an
 * in-memory state), so a rule that the service enforces is a rule the verifier
 * checks. This half imports only ledger types and schemas — never HTTP; a
 * plug-in's routes are its other half (src/http/plugin-http.ts), and the two
 * meet in src/plugins.ts.
 */
import type { z } from 'zod';
import type { Entry, Envelope, GenesisBody, State } from '../../ledger/index.js';
import type { Role } from '../../schemas/common.js';
import type { ErrorCode } from '../errors.js';

/** Domain state: JSON values by key (ledger/state.ts). Rules read and write only through this. */
export type { State, StateView } from '../../ledger/index.js';

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
  /**
   * Declares that the entry concerns `subject` (SPEC §12 subject map): `lot:<code>`, `card:<id>`,
   * `merchant:<id>`. The log commits, per subject, to every entry that declared it, so a view
   * built on a subject can prove it left none out. Declaring one twice counts once.
   */
  concern(subject: string): void;
}

export interface Event<B> extends Envelope {
  body: B;
}

/** `B` is `any` by default so that a list of event types with different bodies is one array type. */
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

/** The pure half of a plug-in (`Plugin.domain`). */
export interface DomainPlugin {
  name: string;
  events?: readonly EventType[];
  principals?: PrincipalResolver;
  observers?: readonly Observer[];
  /**
   * Query indexes and views: observers that never reject an event and write keys
   * that no rule, observer or principal resolver reads (only routes, webhooks and
   * the indexes themselves do): the EPCIS index, the anomaly engine. The service
   * keeps them; the verifier's replay, which checks rules, skips them unless asked.
   */
  indexes?: readonly Observer[];
  genesis?: GenesisHandler;
}
