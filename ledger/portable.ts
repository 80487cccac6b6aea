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
export type { NodeId, NodeReader } from './merkle.js';
export { EVENT_DOMAIN, canonicalEnvelope, signingInput, signEnvelope, cosignEnvelope, verifyEnvelopeSignature } from './event.js';
export type { Envelope, UnsignedEnvelope } from './event.js';
export { entryLeaf, canonicalEntry, chainHash, makeEntry, ZERO_HASH } from './entry.js';
export type { Entry, Receipt } from './entry.js';
export { leafHash, nodeHash, emptyRoot, rootFromLeaves, verifyInclusion, verifyConsistency } from './merkle.js';
export { formatCheckpointText, parseCheckpoint, signCheckpoint, verifyCheckpoint, noteKeyId } from './checkpoint.js';
export type { Checkpoint, ParsedCheckpoint } from './checkpoint.js';
export { keyFromSeed, parseKeyFile } from './keys.js';
export type { KeyFile, SigningKey } from './keys.js';
export {
  ED25519_TYPE,
  COSIGNATURE_TYPE,
  computeKeyId,
  formatVkey,
  parseVkey,
  parseNote,
  formatNote,
  parseSignatureLine,
  formatSignatureLine,
  signNoteLine,
  verifyNoteSignature,
  keyIdHex,
} from './note.js';
export type { Note, NoteSignatureLine, Vkey } from './note.js';
export { cosignedMessage, signCosignature, verifyCosignature } from './cosignature.js';
export type { Cosignature } from './cosignature.js';
export {
  TILE_WIDTH,
  MAX_ENTRY_BYTES,
  formatTileIndex,
  formatTilePath,
  parseTilePath,
  tileLayout,
  tileInTree,
  tilesOf,
  tileNodes,
  readTile,
  encodeBundle,
  decodeBundle,
} from './tiles.js';
export type { TileRef } from './tiles.js';
export { parsePolicy, quorumMet, verifyCheckpointNote, PolicyError } from './policy.js';
export type { Policy, PolicyLog, PolicyWitness, Quorum, VerifiedNote } from './policy.js';
export { PROOF_HEADER, formatProof, parseProof, verifyProof } from './proof.js';
export type { TlogProof, VerifiedProof } from './proof.js';
export {
  MAX_PROOF_LINES,
  SIZE_CONTENT_TYPE,
  formatAddCheckpoint,
  parseAddCheckpoint,
  parseCheckpointNote,
  checkAddCheckpoint,
} from './witness.js';
export type { AddCheckpoint, AddCheckpointOutcome, CheckpointBody, WitnessedLog } from './witness.js';
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
export {
  SubjectMap,
  SubjectTree,
  subjectKey,
  headValue,
  nextHead,
  headOf,
  isSubjectHead,
  verifySubjectProof,
  subjectNoteName,
  formatSubjectText,
  signSubjectNote,
  subjectCommitment,
  verifySubjectNote,
  verifySubjectQuorum,
  proveSubjects,
} from './subjects.js';
export type { SubjectHead, SubjectProof, SubjectCommitment, SubjectEvidence } from './subjects.js';
