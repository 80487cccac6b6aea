/**
 * Authenticated reads (SPEC §8): RFC 9421 request signatures, no passwords or
 * tokens. A missing, malformed, expired or non-verifying signature is 401
 * `unauthenticated` — with one wording whether the keyid is unknown or the key is
 * wrong, so a 401 never tells whether an actor or a card exists. A verified caller
 * that is suspended is 403 `actor_suspended`; one whose role may not read is 403
 * `forbidden`. Every authenticated request is recorded in the access log.
 */
import { fromBase64Url, nodeSuite, parseSignatureHeaders, SIGNATURE_MAX_AGE_S, signatureBase, utf8 } from '../../ledger/index.js';
import type { Catalogue } from '../domain/catalogue.js';
import type { Principal } from '../domain/plugin.js';
import type { Services } from './plugin-http.js';
import { ApiError } from '../errors.js';
import type { Role } from '../../schemas/common.js';
import type { AccessLog } from './access-log.js';

/** The one answer for an unknown keyid and a wrong key alike. */
export const NOT_VERIFIED = 'the request signature does not verify with the current key of its keyid';

/** What authentication reads of a request. */
export interface SignedRequest {
  method: string;
  /** Path and query exactly as sent. */
  target: string;
  signatureInput: string | undefined;
  signature: string | undefined;
}

/** Verifies the request signature when there is one (or always, when `required`); returns the principal (undefined when anonymous). */
export type Authenticator = (req: SignedRequest, required: boolean) => Principal | undefined;

export const authenticator =
  (services: Pick<Services, 'ledger' | 'now'>, catalogue: Catalogue, accessLog?: AccessLog): Authenticator =>
  (req, required) => {
    const input = req.signatureInput;
    const sig = req.signature;
    if (!input && !sig && !required) return undefined;
    const parsed = parseSignatureHeaders(input, sig);
    if (typeof parsed === 'string') throw new ApiError('unauthenticated', parsed);
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
    accessLog?.record({
      at: new Date(services.now()).toISOString(),
      actor: principal.id,
      role: principal.role,
      method: req.method,
      path: req.target,
    });
    if (principal.status !== 'active') throw new ApiError('actor_suspended', `${principal.id} is suspended and may not read`);
    return principal;
  };

/** 403 unless the authenticated principal has one of `roles` or passes `also`. */
export const allow = (p: Principal | undefined, roles: readonly Role[], also?: (p: Principal) => boolean): Principal => {
  if (!p) throw new ApiError('unauthenticated', 'this read needs an RFC 9421 request signature');
  if (!roles.includes(p.role) && !also?.(p)) throw new ApiError('forbidden', `${p.id} (${p.role}) may not read this`);
  return p;
};
