/**
 * Signed event envelopes (SPEC §2). The ledger treats `body` as opaque; the
 * signing input is "anxin/event/v1\n" followed by JCS(envelope without sig and cosig).
 */
import { fromBase64Url, toBase64Url, utf8 } from './encoding.js';
import { canonicalize } from './jcs.js';
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

export const signingInput = (envelope: UnsignedEnvelope | Envelope): Uint8Array => {
  const { sig: _sig, cosig: _cosig, ...unsigned } = envelope as Envelope;
  return utf8(EVENT_DOMAIN + canonicalize(unsigned));
};

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
