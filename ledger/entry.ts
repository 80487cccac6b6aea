/**
 * Log entries (SPEC §3): leaf = SHA-256(0x00 || JCS({index, at, event})),
 * hash = SHA-256(prev || leaf), prev of entry 0 is 32 zero bytes.
 */
import { concatBytes, toHex, utf8 } from './encoding.js';
import type { Checkpoint } from './checkpoint.js';
import type { Envelope } from './event.js';
import { canonicalize } from './jcs.js';
import { leafHash } from './merkle.js';
import type { Suite } from './suite.js';

export interface Entry {
  index: number;
  at: string;
  event: Envelope;
  leaf: string;
  prev: string;
  hash: string;
}

/** What a client gets back for an appended entry (SPEC §8); `checkpoint.size > index`. */
export interface Receipt {
  index: number;
  at: string;
  leaf: string;
  hash: string;
  checkpoint: Checkpoint;
}

export const ZERO_HASH = new Uint8Array(32);

/**
 * leaf = SHA-256(0x00 || JCS({index, at, event})). The members sort as at < event < index,
 * so the canonical entry is assembled around the event's canonical form, which a
 * caller that already has it (canonicalEnvelope(event).full) may pass in.
 */
export const entryLeaf = (suite: Suite, index: number, at: string, event: Envelope, canonicalEvent?: string): Uint8Array =>
  leafHash(suite, utf8(canonicalEntry(index, at, event, canonicalEvent)));

/** JCS({index, at, event}): the entry's bytes in an entry bundle (SPEC §12), whose leaf hash is `leaf`. */
export const canonicalEntry = (index: number, at: string, event: Envelope, canonicalEvent?: string): string =>
  `{"at":${canonicalize(at)},"event":${canonicalEvent ?? canonicalize(event)},"index":${canonicalize(index)}}`;

export const chainHash = (suite: Suite, prev: Uint8Array, leaf: Uint8Array): Uint8Array => suite.sha256(concatBytes(prev, leaf));

export const makeEntry = (suite: Suite, index: number, at: string, event: Envelope, prev: Uint8Array, canonicalEvent?: string): Entry => {
  const leaf = entryLeaf(suite, index, at, event, canonicalEvent);
  return { index, at, event, leaf: toHex(leaf), prev: toHex(prev), hash: toHex(chainHash(suite, prev, leaf)) };
};

export type EntryFault = { code: 'leaf_mismatch' | 'chain_mismatch' | 'entry_malformed'; detail: string };

/**
 * Recomputes an entry's leaf and hash and checks them, and `prev`, against the
 * chain so far. Returns the entry's leaf and hash bytes, or what is wrong.
 */
export const checkEntry = (
  suite: Suite,
  entry: Entry,
  expectedIndex: number,
  prev: Uint8Array,
  canonicalEvent?: string,
): { leaf: Uint8Array; hash: Uint8Array } | EntryFault => {
  if (!entry || typeof entry !== 'object' || entry.index !== expectedIndex || typeof entry.at !== 'string' || !entry.event)
    return { code: 'entry_malformed', detail: `entry ${expectedIndex} is missing or malformed` };
  let leaf: Uint8Array;
  try {
    leaf = entryLeaf(suite, entry.index, entry.at, entry.event, canonicalEvent);
  } catch (e) {
    return { code: 'entry_malformed', detail: `entry ${expectedIndex} cannot be canonicalized: ${(e as Error).message}` };
  }
  if (entry.leaf !== toHex(leaf))
    return { code: 'leaf_mismatch', detail: `entry ${expectedIndex}: stored leaf does not match its content` };
  if (entry.prev !== toHex(prev))
    return { code: 'chain_mismatch', detail: `entry ${expectedIndex}: prev is not the hash of entry ${expectedIndex - 1}` };
  const hash = chainHash(suite, prev, leaf);
  if (entry.hash !== toHex(hash))
    return { code: 'chain_mismatch', detail: `entry ${expectedIndex}: stored hash is not SHA-256(prev || leaf)` };
  return { leaf, hash };
};
