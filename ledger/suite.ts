/**
 * The two primitives anxin is built on (SPEC §1): SHA-256 and Ed25519 (RFC 8032, pure).
 * Portable modules take a Suite instead of importing one, so the same proof and
 * checkpoint code runs with node:crypto on the server (suite-node.ts) and with
 * @noble/* in a browser or thin client (suite-noble.ts).
 */
export interface Suite {
  sha256(data: Uint8Array): Uint8Array;
  /** Ed25519 public key (32 bytes) of a 32-byte seed. */
  publicKey(seed: Uint8Array): Uint8Array;
  sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** False (never throws) for malformed keys or signatures. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}
