/**
 * Authenticated reads (SPEC §8): RFC 9421 request signatures, no passwords or
 * tokens. A missing, malformed, expired or non-verifying signature is 401
 * `unauthenticated` — with one wording whether the keyid is unknown or the key is
 * wrong, so a 401 never tells whether an actor or a card exists. A verified caller
 * that is suspended is 403 `actor_suspended`; one whose role may not read is 403
 * `forbidden`. Whoever a signed request names (verified or not) is reported to
 * the caller (`identified`), which records it in the access log with the status
 * once the answer is sent (pipeline.ts).
 */
import { fromBase64Url, nodeSuite, parseSignatureHeaders, SIGNATURE_MAX_AGE_S, signatureBase, utf8 } from '../../ledger/index.js';
import type { Catalogue } from '../domain/catalogue.js';
import type { Principal } from '../domain/plugin.js';
import type { Services } from './plugin-http.js';
import { ApiError } from '../errors.js';
import type { Role } from '../../schemas/common.js';

/** The one answer for an unknown keyid and a wrong key alike. */
export const NOT_VERIFIED = 'the request signature does not verify with the current key of its keyid';

/** What authentication reads of a request. */
export interface SignedRequest {
  method: string;
  /** Path and query exactly as sent. */
  target: string;
  signatureInput: string | undefined;
  signature: string | undefined;
  /**
   * Called once the signature headers parse: first with the keyid the request claims
   * (`role` undefined: not verified), then again with the principal once the signature
   * verifies (before its status or role is checked). The last call names the caller.
   */
  identified?: (who: Identified) => void;
}

/** Who a signed request came from, as far as authentication got. */
export interface Identified {
  /** Server time of the authentication (RFC 3339). */
  at: string;
  /** The verified actor id (or card:<id>), or the unverified keyid claimed. */
  actor: string;
  /** The verified principal's role; undefined while not verified. */
  role?: Role;
}

/** Longest claimed keyid kept in an unverified access record. */
const MAX_CLAIMED = 128;

/** Verifies the request signature when there is one (or always, when `required`); returns the principal (undefined when anonymous). */
export type Authenticator = (req: SignedRequest, required: boolean) => Principal | undefined;

export const authenticator =
  (services: Pick<Services, 'ledger' | 'now'>, catalogue: Catalogue): Authenticator =>
  (req, required) => {
    const input = req.signatureInput;
    const sig = req.signature;
    if (!input && !sig && !required) return undefined;
    const parsed = parseSignatureHeaders(input, sig);
    if (typeof parsed === 'string') throw new ApiError('unauthenticated', parsed);
    const at = new Date(services.now()).toISOString();
    req.identified?.({ at, actor: parsed.keyid.slice(0, MAX_CLAIMED) });
    const age = Math.floor(services.now() / 1000) - parsed.created;
    if (Math.abs(age) > SIGNATURE_MAX_AGE_S)
      throw new ApiError(
        'unauthenticated',
        `the signature was created ${age} s ago; it must be within ±${SIGNATURE_MAX_AGE_S} s of the server clock`,
      );
    const principal = catalogue.principal({ get: (k) => services.ledger.get(k) }, parsed.keyid);
    const base = signatureBase({ method: req.method, target: req.target }, parsed.params);
    if (!principal || !nodeSuite.verify(fromBase64Url(principal.publicKey)!, utf8(base), parsed.signature))
      throw new ApiError('unauthenticated', NOT_VERIFIED);
    req.identified?.({ at, actor: principal.id, role: principal.role });
    if (principal.status !== 'active') throw new ApiError('actor_suspended', `${principal.id} is suspended and may not read`);
    return principal;
  };

/** 403 unless the authenticated principal has one of `roles` or passes `also`. */
export const allow = (p: Principal | undefined, roles: readonly Role[], also?: (p: Principal) => boolean): Principal => {
  if (!p) throw new ApiError('unauthenticated', 'this read needs an RFC 9421 request signature');
  if (!roles.includes(p.role) && !also?.(p)) throw new ApiError('forbidden', `${p.id} (${p.role}) may not read this`);
  return p;
};
