/**
 * The browser-safe part of the engine: encodings, canonical JSON, event signing
 * input, Merkle proof and checkpoint verification, RFC 9421 request signatures.
 * This is the protocol code the server, the client (src/client/), the CLI and the
 * browser pages share. Nothing here imports Node.js; pair it with suite-noble.ts
 * in a browser.
 */
export { toHex, fromHex, toBase64, fromBase64, toBase64Url, fromBase64Url, utf8, bytesEqual, concatBytes } from './encoding.js';
export { canonicalize } from './jcs.js';
export type { Suite } from './suite.js';
export { EVENT_DOMAIN, canonicalEnvelope, signingInput, signEnvelope, cosignEnvelope, verifyEnvelopeSignature } from './event.js';
export type { Envelope, UnsignedEnvelope } from './event.js';
export { entryLeaf, chainHash, makeEntry, ZERO_HASH } from './entry.js';
export type { Entry, Receipt } from './entry.js';
export { leafHash, nodeHash, emptyRoot, rootFromLeaves, verifyInclusion, verifyConsistency } from './merkle.js';
export { formatCheckpointText, parseCheckpoint, signCheckpoint, verifyCheckpoint, noteKeyId } from './checkpoint.js';
export type { Checkpoint, ParsedCheckpoint } from './checkpoint.js';
export { keyFromSeed, parseKeyFile } from './keys.js';
export type { KeyFile, SigningKey } from './keys.js';
export {
  SIGNATURE_LABEL,
  SIGNATURE_COMPONENTS,
  SIGNATURE_MAX_AGE_S,
  signatureParams,
  signatureBase,
  signRequest,
  parseSignatureHeaders,
} from './message-signatures.js';
export type { RequestTarget, ParsedSignature } from './message-signatures.js';
