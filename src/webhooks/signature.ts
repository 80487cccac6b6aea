/**
 * RFC 9421 signatures over requests with a body, and RFC 9530 Content-Digest
 * (SPEC §15). Two profiles:
 *
 * - a subscriber's request with a body (POST /v1/subscriptions) covers
 *   ("@method" "@path" "@query" "content-digest"), as §8's reads plus the digest;
 * - a delivery, signed by the operator key, covers
 *   ("@method" "@target-uri" "content-digest"), keyid = the log origin.
 *
 * Both: parameters created, keyid, alg="ed25519"; label sig1; Content-Digest
 * `sha-256=:<base64>:`. Pure apart from the hash and the signature suite passed in.
 */
import { createHash } from 'node:crypto';
import { fromBase64, toBase64, utf8, type Suite } from '../../ledger/portable.js';
import { SIGNATURE_LABEL as LABEL } from '../../ledger/portable.js';

/** RFC 9530 Content-Digest of a body: `sha-256=:<base64>:`. */
export const contentDigest = (body: Uint8Array | string): string => `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;

export const BODY_COMPONENTS = '("@method" "@path" "@query" "content-digest")';
export const DELIVERY_COMPONENTS = '("@method" "@target-uri" "content-digest")';

const params = (components: string, created: number, keyid: string) => `${components};created=${created};keyid="${keyid}";alg="ed25519"`;

const splitTarget = (target: string) => {
  const q = target.indexOf('?');
  return q < 0 ? { path: target, query: '?' } : { path: target.slice(0, q), query: target.slice(q) || '?' };
};

/** Signature base (RFC 9421 §2.5) of a request with a body, profile "@method @path @query content-digest". */
export const bodySignatureBase = (method: string, target: string, digest: string, signatureParams: string): string => {
  const { path, query } = splitTarget(target);
  return `"@method": ${method.toUpperCase()}\n"@path": ${path}\n"@query": ${query}\n"content-digest": ${digest}\n"@signature-params": ${signatureParams}`;
};

/** Signature base of a delivery: "@method @target-uri content-digest". */
export const deliverySignatureBase = (method: string, targetUri: string, digest: string, signatureParams: string): string =>
  `"@method": ${method.toUpperCase()}\n"@target-uri": ${targetUri}\n"content-digest": ${digest}\n"@signature-params": ${signatureParams}`;

export interface SignedHeaders {
  'Content-Digest': string;
  'Signature-Input': string;
  Signature: string;
}

/** Headers that sign a request with a body as `key.id` (the subscriber's side). */
export const signBodyRequest = (
  suite: Suite,
  key: { id: string; seed: Uint8Array },
  request: { method: string; target: string; body: string },
  created: number = Math.floor(Date.now() / 1000),
): SignedHeaders => {
  const digest = contentDigest(request.body);
  const p = params(BODY_COMPONENTS, created, key.id);
  const sig = suite.sign(key.seed, utf8(bodySignatureBase(request.method, request.target, digest, p)));
  return { 'Content-Digest': digest, 'Signature-Input': `${LABEL}=${p}`, Signature: `${LABEL}=:${toBase64(sig)}:` };
};

/** Headers that sign a delivery POST to `url` with the operator key, keyid = the log origin. */
export const signDelivery = (suite: Suite, origin: string, seed: Uint8Array, url: string, body: string, created: number): SignedHeaders => {
  const digest = contentDigest(body);
  const p = params(DELIVERY_COMPONENTS, created, origin);
  const sig = suite.sign(seed, utf8(deliverySignatureBase('POST', url, digest, p)));
  return { 'Content-Digest': digest, 'Signature-Input': `${LABEL}=${p}`, Signature: `${LABEL}=:${toBase64(sig)}:` };
};

export interface ParsedBodySignature {
  keyid: string;
  created: number;
  params: string;
  signature: Uint8Array;
}

const member = (header: string, label: string): string | undefined => {
  for (const part of header.split(/,(?=\s*[a-z*][a-z0-9_.*-]*=)/)) {
    const m = /^\s*([a-z*][a-z0-9_.*-]*)=(.*?)\s*$/.exec(part);
    if (m && m[1] === label) return m[2];
  }
  return undefined;
};

/**
 * Parses the sig1 members of Signature-Input and Signature for a profile
 * (`components`, exactly); returns a reason when they do not fit it.
 */
export const parseProfileSignature = (
  input: string | undefined,
  signature: string | undefined,
  components: string,
): ParsedBodySignature | string => {
  if (!input || !signature) return 'send Signature-Input and Signature headers (RFC 9421, label sig1)';
  const p = member(input, LABEL);
  const s = member(signature, LABEL);
  if (!p || !s) return `no ${LABEL} signature in Signature-Input and Signature`;
  if (!p.startsWith(components + ';')) return `${LABEL} must cover exactly ${components}`;
  const values = new Map<string, string>();
  for (const kv of p.slice(components.length + 1).split(';')) {
    const eq = kv.indexOf('=');
    if (eq < 0) return 'malformed signature parameters';
    values.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  const created = Number(values.get('created'));
  const keyid = values.get('keyid');
  if (!Number.isSafeInteger(created)) return 'the created parameter is missing';
  if (!keyid || !/^"[^"\\]*"$/.test(keyid)) return 'the keyid parameter is missing';
  if (values.get('alg') !== '"ed25519"') return 'alg must be "ed25519"';
  const sm = /^:([A-Za-z0-9+/]+={0,2}):$/.exec(s);
  const sig = sm && fromBase64(sm[1]);
  if (!sig || sig.length !== 64) return 'the signature is not a 64-byte byte sequence';
  return { keyid: keyid.slice(1, -1), created, params: p, signature: sig };
};
