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

/** Longest Signature-Input or Signature header read (a profiled sig1 member is under 300 characters). */
export const MAX_SIGNATURE_HEADER = 2048;

const isKeyStart = (c: number) => (c >= 97 && c <= 122) || c === 42; // a-z *
const isKeyChar = (c: number) => isKeyStart(c) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46; // 0-9 _ - .
const isOws = (c: number) => c === 32 || c === 9;

/**
 * The members of an RFC 8941 dictionary header, key → the member's value as sent
 * (trimmed). One left-to-right pass, no regular expression, no backtracking: the
 * cost is linear in the header's length, whatever it holds. A duplicate key keeps
 * its last value (RFC 8941 §4.2.2). Undefined when the text is not a dictionary.
 */
export const parseDictionary = (header: string): Map<string, string> | undefined => {
  const out = new Map<string, string>();
  const n = header.length;
  let i = 0;
  for (;;) {
    while (i < n && isOws(header.charCodeAt(i))) i++;
    if (i >= n) return out.size ? out : undefined;
    const keyStart = i;
    if (!isKeyStart(header.charCodeAt(i))) return undefined;
    while (i < n && isKeyChar(header.charCodeAt(i))) i++;
    const key = header.slice(keyStart, i);
    if (header.charCodeAt(i) !== 61 /* = */) return undefined;
    const valueStart = ++i;
    let depth = 0;
    let quoted = false;
    let bytes = false;
    for (; i < n; i++) {
      const c = header.charCodeAt(i);
      if (quoted) {
        if (c === 92 /* \ */) i++;
        else if (c === 34 /* " */) quoted = false;
      } else if (bytes) {
        if (c === 58 /* : */) bytes = false;
      } else if (c === 34) quoted = true;
      else if (c === 58) bytes = true;
      else if (c === 40 /* ( */) depth++;
      else if (c === 41 /* ) */) {
        if (--depth < 0) return undefined;
      } else if (c === 44 /* , */ && depth === 0) break;
    }
    if (quoted || bytes || depth !== 0) return undefined;
    let valueEnd = i;
    while (valueEnd > valueStart && isOws(header.charCodeAt(valueEnd - 1))) valueEnd--;
    out.set(key, header.slice(valueStart, valueEnd));
    if (i < n) i++; // the comma
  }
};

const COVERED = SIGNATURE_COMPONENTS;

/** The parameters after the covered components: ;name=value with a quoted string (no escapes) or an integer. */
const parseParams = (text: string): Map<string, string> | undefined => {
  const values = new Map<string, string>();
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (text.charCodeAt(i) !== 59 /* ; */) return undefined;
    const nameStart = ++i;
    if (!(text.charCodeAt(i) >= 97 && text.charCodeAt(i) <= 122)) return undefined;
    while (i < n && isKeyChar(text.charCodeAt(i))) i++;
    const name = text.slice(nameStart, i);
    if (text.charCodeAt(i) !== 61) return undefined;
    const valueStart = ++i;
    if (text.charCodeAt(i) === 34) {
      i++;
      while (i < n && text.charCodeAt(i) !== 34 && text.charCodeAt(i) !== 92) i++;
      if (text.charCodeAt(i) !== 34) return undefined;
      i++;
    } else {
      if (text.charCodeAt(i) === 45 /* - */) i++;
      const digits = i;
      while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
      if (i === digits || i - digits > 15) return undefined;
    }
    values.set(name, text.slice(valueStart, i));
  }
  return values;
};

/** Parses the sig1 members of Signature-Input and Signature; returns a reason when they do not fit the profile. */
export const parseSignatureHeaders = (input: string | undefined, signature: string | undefined): ParsedSignature | string => {
  if (!input || !signature) return 'send Signature-Input and Signature headers (RFC 9421, label sig1)';
  if (input.length > MAX_SIGNATURE_HEADER || signature.length > MAX_SIGNATURE_HEADER)
    return `Signature-Input and Signature must each be at most ${MAX_SIGNATURE_HEADER} characters`;
  const params = parseDictionary(input)?.get(SIGNATURE_LABEL);
  const sigValue = parseDictionary(signature)?.get(SIGNATURE_LABEL);
  if (!params || !sigValue) return `no ${SIGNATURE_LABEL} signature in Signature-Input and Signature`;
  const values = params.startsWith(COVERED) ? parseParams(params.slice(COVERED.length)) : undefined;
  if (!values) return `${SIGNATURE_LABEL} must cover exactly ("@method" "@path" "@query")`;
  const created = Number(values.get('created'));
  const keyid = values.get('keyid');
  if (!Number.isSafeInteger(created)) return 'the created parameter is missing';
  if (!keyid?.startsWith('"')) return 'the keyid parameter is missing';
  if (values.get('alg') !== '"ed25519"') return 'alg must be "ed25519"';
  const sig = sigValue.length === 90 && sigValue.startsWith(':') && sigValue.endsWith(':') ? fromBase64(sigValue.slice(1, -1)) : undefined;
  if (!sig || sig.length !== 64) return 'the signature is not a 64-byte byte sequence';
  return { keyid: keyid.slice(1, -1), created, params, signature: sig };
};
