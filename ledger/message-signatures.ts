/**
 * RFC 9421 HTTP Message Signatures as anxin profiles them (SPEC §8): Ed25519,
 * covered components ("@method" "@path" "@query"), parameters created, keyid and
 * alg="ed25519", label sig1. Portable: the server verifies with it, and the
 * client, the CLI and the browser pages sign with it (through portable.ts).
 */
import { fromBase64, toBase64, utf8 } from './encoding.js';
import type { Suite } from './suite.js';

export const SIGNATURE_LABEL = 'sig1';
export const SIGNATURE_COMPONENTS = '("@method" "@path" "@query")';
export const SIGNATURE_MAX_AGE_S = 300;

export interface RequestTarget {
  method: string;
  /** Path and optional query, exactly as sent: /v1/cards/C-1?x=1 */
  target: string;
}

const split = (target: string): { path: string; query: string } => {
  const q = target.indexOf('?');
  return q < 0 ? { path: target, query: '?' } : { path: target.slice(0, q), query: target.slice(q) || '?' };
};

export const signatureParams = (created: number, keyid: string): string =>
  `${SIGNATURE_COMPONENTS};created=${created};keyid="${keyid}";alg="ed25519"`;

/** The signature base (RFC 9421 §2.5) for a request and its serialized signature parameters. */
export const signatureBase = ({ method, target }: RequestTarget, params: string): string => {
  const { path, query } = split(target);
  return `"@method": ${method.toUpperCase()}\n"@path": ${path}\n"@query": ${query}\n"@signature-params": ${params}`;
};

/** Headers that sign a request as `keyid` at `created` (seconds since the epoch). */
export const signRequest = (
  suite: Suite,
  key: { id: string; seed: Uint8Array },
  request: RequestTarget,
  created: number = Math.floor(Date.now() / 1000),
): { 'Signature-Input': string; Signature: string } => {
  const params = signatureParams(created, key.id);
  const sig = suite.sign(key.seed, utf8(signatureBase(request, params)));
  return { 'Signature-Input': `${SIGNATURE_LABEL}=${params}`, Signature: `${SIGNATURE_LABEL}=:${toBase64(sig)}:` };
};

export interface ParsedSignature {
  keyid: string;
  created: number;
  /** The serialized parameters, as signed. */
  params: string;
  signature: Uint8Array;
}

const PARAMS = /^\("@method" "@path" "@query"\)((?:;[a-z][a-z0-9_.*-]*=(?:"[^"\\]*"|-?\d+))*)$/;

/** Parses the sig1 members of Signature-Input and Signature; returns a reason when they do not fit the profile. */
export const parseSignatureHeaders = (input: string | undefined, signature: string | undefined): ParsedSignature | string => {
  if (!input || !signature) return 'send Signature-Input and Signature headers (RFC 9421, label sig1)';
  const member = (header: string) => {
    for (const part of header.split(/,(?=\s*[a-z*][a-z0-9_.*-]*=)/)) {
      const m = /^\s*([a-z*][a-z0-9_.*-]*)=(.*?)\s*$/.exec(part);
      if (m && m[1] === SIGNATURE_LABEL) return m[2];
    }
    return undefined;
  };
  const params = member(input);
  const sigValue = member(signature);
  if (!params || !sigValue) return `no ${SIGNATURE_LABEL} signature in Signature-Input and Signature`;
  const m = PARAMS.exec(params);
  if (!m) return `${SIGNATURE_LABEL} must cover exactly ("@method" "@path" "@query")`;
  const values = new Map<string, string>();
  for (const p of m[1].split(';').slice(1)) {
    const eq = p.indexOf('=');
    values.set(p.slice(0, eq), p.slice(eq + 1));
  }
  const created = Number(values.get('created'));
  const keyid = values.get('keyid');
  if (!Number.isSafeInteger(created)) return 'the created parameter is missing';
  if (!keyid?.startsWith('"')) return 'the keyid parameter is missing';
  if (values.get('alg') !== '"ed25519"') return 'alg must be "ed25519"';
  const sm = /^:([A-Za-z0-9+/]+={0,2}):$/.exec(sigValue);
  const sig = sm && fromBase64(sm[1]);
  if (!sig || sig.length !== 64) return 'the signature is not a 64-byte byte sequence';
  return { keyid: keyid.slice(1, -1), created, params, signature: sig };
};
