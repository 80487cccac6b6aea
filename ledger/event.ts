/**
 * Signed event envelopes (SPEC §2). The ledger treats `body` as opaque; the
 * signing input is "anxin/event/v1\n" followed by JCS(envelope without sig and cosig).
 */
import { fromBase64Url, toBase64Url, utf8 } from './encoding.js';
import { canonicalize, memberNames } from './jcs.js';
import type { Suite } from './suite.js';

export interface Envelope {
  v: 1;
  id: string;
  type: string;
  actor: string;
  at: string;
  body: unknown;
  sig: string;
  cosig?: Record<string, string>;
}

export type UnsignedEnvelope = Omit<Envelope, 'sig' | 'cosig'>;

export const EVENT_DOMAIN = 'anxin/event/v1\n';

/**
 * JCS of an envelope with its signatures (`full`, what the entry's leaf covers)
 * and without them (`unsigned`, what they sign), in one pass over its members.
 * Throws TypeError for values JSON cannot represent.
 */
export const canonicalEnvelope = (envelope: UnsignedEnvelope | Envelope): { full: string; unsigned: string } => {
  const e = envelope as unknown as Record<string, unknown>;
  const keys = memberNames(e);
  let full = '';
  let unsigned = '';
  for (const k of keys) {
    const member = canonicalize(k) + ':' + canonicalize(e[k]);
    full += (full ? ',' : '') + member;
    if (k !== 'sig' && k !== 'cosig') unsigned += (unsigned ? ',' : '') + member;
  }
  return { full: '{' + full + '}', unsigned: '{' + unsigned + '}' };
};

/** The bytes `sig` and every `cosig` sign, from the envelope or from its canonical unsigned form. */
export const signingInput = (envelope: UnsignedEnvelope | Envelope, unsigned = canonicalEnvelope(envelope).unsigned): Uint8Array =>
  utf8(EVENT_DOMAIN + unsigned);

export const signEnvelope = (suite: Suite, seed: Uint8Array, envelope: UnsignedEnvelope): Envelope => ({
  ...envelope,
  sig: toBase64Url(suite.sign(seed, signingInput(envelope))),
});

/** A co-signature (e.g. cosig.holder, SPEC §5) over the same signing input. */
export const cosignEnvelope = (suite: Suite, seed: Uint8Array, envelope: Envelope, role: string): Envelope => ({
  ...envelope,
  cosig: { ...envelope.cosig, [role]: toBase64Url(suite.sign(seed, signingInput(envelope))) },
});

/** Verifies a base64url signature over the envelope's signing input with a base64url public key. */
export const verifyEnvelopeSignature = (suite: Suite, envelope: Envelope, publicKey: string, signature: string): boolean => {
  const key = fromBase64Url(publicKey);
  const sig = fromBase64Url(signature);
  return !!key && !!sig && suite.verify(key, signingInput(envelope), sig);
};
