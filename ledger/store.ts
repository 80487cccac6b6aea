/**
 * The storage seam: what the ledger needs from a database, at the level of one
 * commit group. A backend stores, for one log:
 *
 *   entries            index → entry JSON
 *   tree records       leaf → the Merkle nodes appending that leaf completed: the leaf hash, then each
 *                      perfect subtree it closed, 32 bytes per level (node (L, j) lives in the record of
 *                      leaf (j+1)·2^L − 1 at offset 32·L)
 *   event index        (actor, id) → index of the entry holding that event
 *   checkpoints        size → checkpoint JSON signed when the log reached that size
 *   head               the latest checkpoint JSON: the commit point, the ledger opens at it
 *   domain state       key → JSON text, opaque to the engine (which keeps the subject map's heads and
 *                      node records there too, under `ledger:`, log.ts)
 *
 * and writes one commit group (all of the above for a run of consecutive entries) atomically: after a
 * crash or a failed write either the whole group is there or none of it is.
 *
 * The reads the append path makes inside a transaction (state, event index) are synchronous: a
 * transaction is a synchronous function, so it runs atomically with respect to every other one. A
 * backend serves them without waiting on the event loop: LevelDB from its block cache and files
 * (getSync), PostgreSQL from memory (loaded at open, kept current by its own commits and by
 * following the sequencer). Single entries and checkpoints are synchronous too (the domain's read
 * views use them): LevelDB reads them in place; PostgreSQL answers recent ones from memory and
 * others with one blocking query (see pg/sync-reader.ts). Tree records for proofs, the streams for
 * verification and export, and state listings are asynchronous.
 *
 * Implementations: store-level.ts (LevelDB, embedded, the default) and pg/store.ts (PostgreSQL).
 * test/ledger/store-conformance.ts is the behaviour every backend must show.
 */
import type { NodeId } from './merkle.js';

/** One atomic write: everything one commit group appended and wrote. */
export interface CommitGroup {
  /** Consecutive entries, ascending, as stored JSON. */
  entries: Array<{ index: number; text: string }>;
  /** The tree record of each entry (leaf = entry index). */
  tree: Array<{ leaf: number; record: Uint8Array }>;
  /** The event index of the entries appended. */
  events: Array<{ actor: string; id: string; index: number }>;
  /** State writes, in order (a later write of a key wins): JSON text, or null to delete. */
  state: Array<{ key: string; value: string | null }>;
  /** The checkpoint signed at the size the group ends at; it also becomes the head. */
  checkpoint: { size: number; text: string };
}

export interface StateScan {
  /** Key suffixes after the prefix: strictly greater / strictly less. */
  gt?: string;
  lt?: string;
  reverse?: boolean;
  limit?: number;
}

/**
 * Who may write, for stores that several processes share (PostgreSQL). An embedded store has no
 * sequencing: its one process always writes.
 */
export interface Sequencing {
  /** True while this process holds the lease and has caught up with the log. */
  readonly isSequencer: boolean;
  /** False while the database cannot be reached (then nobody here can tell who sequences). */
  readonly reachable: boolean;
  /** Seconds a client should wait before retrying a write refused because another process sequences. */
  readonly retryAfterS: number;
}

export interface LogStore {
  /** 'leveldb' | 'postgres'. */
  readonly backend: string;
  /** Where the log lives, for messages (a directory, or a URL without its password). */
  readonly location: string;
  /** Set on stores that several processes share. */
  readonly sequencing?: Sequencing;

  /** The head checkpoint JSON, undefined in an empty store. */
  head(): string | undefined;
  /** Whether the store holds anything at all (a head-less non-empty store is corrupt). */
  isEmpty(): Promise<boolean>;

  /** Domain state (synchronous, see above). */
  state(key: string): string | undefined;
  /** The event index (synchronous, see above). */
  event(actor: string, id: string): number | undefined;

  /** One entry's JSON (synchronous, see above). */
  entry(index: number): string | undefined;
  /** The checkpoint signed at exactly `size` (synchronous, see above). */
  checkpoint(size: number): string | undefined;
  /** Tree records by leaf, in the order asked (undefined where missing). */
  treeRecords(leaves: readonly number[]): Promise<Array<Uint8Array | undefined>>;

  /** Entries with from ≤ index < to, ascending. */
  entries(from: number, to?: number): AsyncIterable<{ index: number; text: string }>;
  /** Tree records with from ≤ leaf < to, ascending. */
  treeRange(from: number, to?: number): AsyncIterable<{ leaf: number; record: Uint8Array }>;
  /** Checkpoints with from ≤ size < to, ascending. */
  checkpoints(from: number, to?: number): AsyncIterable<{ size: number; text: string }>;
  /** Domain state whose keys start with `prefix`, in key order (UTF-8 byte order of the key). */
  scanState(prefix: string, options?: StateScan): AsyncIterable<{ key: string; value: string }>;

  /** Writes one group atomically and durably; rejects if it did not (or may not have) landed. */
  commit(group: CommitGroup): Promise<void>;
  /**
   * After a failed commit, or when another process may have appended: brings the store's
   * synchronous views up to the database's head. Resolves true when it moved.
   */
  refresh(): Promise<boolean>;
  /** Called (awaited) after the store moved its head on its own (following another sequencer). */
  onMoved?: (listener: () => Promise<void>) => void;
  close(): Promise<void>;
}

/** The leaf whose append completed node `id`. */
export const nodeLeaf = (id: NodeId): number => (id.index + 1) * 2 ** id.level - 1;

/** The nodes a tree record holds, lowest level first. */
export const decodeTreeRecord = (leaf: number, record: Uint8Array): Array<{ id: NodeId; hash: Uint8Array }> => {
  const out = [];
  for (let level = 0; (level + 1) * 32 <= record.length; level++)
    out.push({ id: { level, index: (leaf + 1) / 2 ** level - 1 }, hash: record.subarray(level * 32, level * 32 + 32) });
  return out;
};

/** The hash of node `id` in the record of its leaf, if the record reaches its level. */
export const nodeInRecord = (id: NodeId, record: Uint8Array | undefined): Uint8Array | undefined =>
  record && record.length >= (id.level + 1) * 32 ? record.subarray(id.level * 32, id.level * 32 + 32) : undefined;
