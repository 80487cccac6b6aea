/**
 * The LevelDB layout. One keyspace, one prefix per concept:
 *
 *   e!<index:16 hex>                 entry JSON
 *   t!<leaf:16 hex>                  the Merkle nodes appending that leaf completed: the leaf hash, then each
 *                                    perfect subtree it closed, 32 bytes per level (node (L, j) lives in the
 *                                    record of leaf (j+1)·2^L − 1 at offset 32·L)
 *   d!<actor>\n<id>                  index of the entry holding event (actor, id)
 *   c!<size:16 hex>                  checkpoint JSON signed when the log reached size
 *   m!head                           latest checkpoint JSON (the commit point)
 *   s!<key>                          domain state, opaque to the engine (JSON)
 *
 * Every append writes all of these for its entries in one atomic batch.
 */
import { ClassicLevel } from 'classic-level';
import type { BoundedCache } from './cache.js';
import type { Checkpoint } from './checkpoint.js';
import type { Entry } from './entry.js';
import type { NodeId } from './merkle.js';

export type Db = ClassicLevel<string, string>;

const hex16 = (n: number): string => n.toString(16).padStart(16, '0');

export const HEAD_KEY = 'm!head';
export const entryKey = (index: number): string => 'e!' + hex16(index);
/** The leaf whose append completed node `id`. */
export const nodeLeaf = (id: NodeId): number => (id.index + 1) * 2 ** id.level - 1;
/** Key of the tree record that holds node `id` (at byte offset 32·level). */
export const nodeKey = (id: NodeId): string => treeKey(nodeLeaf(id));
export const treeKey = (leaf: number): string => 't!' + hex16(leaf);
export const eventKey = (actor: string, id: string): string => 'd!' + actor + '\n' + id;
export const checkpointKey = (size: number): string => 'c!' + hex16(size);
export const stateKey = (key: string): string => 's!' + key;

/** The nodes a tree record holds, lowest level first. */
export const decodeTreeRecord = (leaf: number, record: Uint8Array): Array<{ id: NodeId; hash: Uint8Array }> => {
  const out = [];
  for (let level = 0; (level + 1) * 32 <= record.length; level++)
    out.push({ id: { level, index: (leaf + 1) / 2 ** level - 1 }, hash: record.subarray(level * 32, level * 32 + 32) });
  return out;
};

/** Key range of one prefix, for iterators. */
export const prefixRange = (prefix: string, from = ''): { gte: string; lt: string } => ({
  gte: prefix + from,
  lt: prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1),
});

export const openDb = async (path: string, createIfMissing: boolean): Promise<Db> => {
  // A larger write buffer than LevelDB's 4 MiB means fewer level-0 flushes under sustained appends;
  // the block cache serves state reads (getSync) and proofs. Both count towards the memory budget.
  const db = new ClassicLevel<string, string>(path, {
    keyEncoding: 'utf8',
    valueEncoding: 'utf8',
    createIfMissing,
    writeBufferSize: 16 * 2 ** 20,
    cacheSize: 32 * 2 ** 20,
  });
  await db.open();
  return db;
};

export const NODE_ENCODING = { valueEncoding: 'view' } as const;

/** One write of a batch: keys are utf8 strings; values utf8 strings or, with NODE_ENCODING, bytes. */
export interface WriteOp {
  type: 'put' | 'del';
  key: string;
  value?: string | Uint8Array;
  valueEncoding?: 'view';
}

interface PrivateBatch {
  _batch?(
    ops: Array<{ type: 'put' | 'del'; key: string; value?: string | Uint8Array; keyEncoding: 'utf8'; valueEncoding: 'utf8' | 'view' }>,
    options: { sync: boolean },
  ): Promise<void>;
}

/**
 * Writes `ops` atomically. The public abstract-level `batch()` re-validates,
 * re-encodes and clones every operation on the append path's main thread
 * (several per appended entry); our keys and values are already in their
 * final form, so we call the implementation's own `_batch` — the abstract-level
 * implementer API that `batch()` itself ends in — when the database has one.
 * The database must be open (the Ledger guarantees it).
 */
export const writeBatch = (db: Db, ops: WriteOp[], sync: boolean): Promise<void> => {
  const raw = db as unknown as PrivateBatch;
  if (db.status !== 'open' || typeof raw._batch !== 'function') return db.batch(ops as never, { sync });
  return raw._batch(
    ops.map((op) => ({ ...op, keyEncoding: 'utf8' as const, valueEncoding: op.valueEncoding ?? ('utf8' as const) })),
    { sync },
  );
};

/**
 * Tree records never change once written, so records holding upper-level nodes
 * (level ≥ 6: at most 1 in 64 records, and every proof passes through them) may
 * be kept in memory; the low levels of a proof sit next to its leaf on disk.
 */
const CACHED_LEVEL = 6;
export const TREE_CACHE_SIZE = 65_536;

/**
 * The stored hashes of perfect subtrees, in the order asked (undefined where missing).
 * Synchronous reads: a proof needs O(log n) small records, mostly in LevelDB's block
 * cache; a thread-pool round trip per read would cost more than the reads themselves.
 */
export const readNodes = async (
  db: Db,
  ids: readonly NodeId[],
  cache?: BoundedCache<Uint8Array>,
): Promise<Array<Uint8Array | undefined>> => {
  const records = new Map<string, Uint8Array | undefined>();
  return ids.map((id) => {
    const key = nodeKey(id);
    let record = records.get(key);
    if (!records.has(key)) {
      const cached = cache?.get(key);
      record = cached ?? db.getSync<string, Uint8Array>(key, NODE_ENCODING);
      records.set(key, record);
      if (!cached && record && id.level >= CACHED_LEVEL) cache?.set(key, record);
    }
    return record && record.length >= (id.level + 1) * 32 ? record.subarray(id.level * 32, id.level * 32 + 32) : undefined;
  });
};

export const readEntry = (db: Db, index: number): Entry | undefined => {
  const text = db.getSync(entryKey(index));
  return text === undefined ? undefined : (JSON.parse(text) as Entry);
};

export const readHead = (db: Db): Checkpoint | undefined => {
  const text = db.getSync(HEAD_KEY);
  return text === undefined ? undefined : (JSON.parse(text) as Checkpoint);
};

/** Key range of one prefix from `from` (inclusive) to `to` (exclusive), both fixed-width hex positions. */
const hexRange = (prefix: string, from: number, to?: number) =>
  to === undefined ? prefixRange(prefix, hex16(from)) : { gte: prefix + hex16(from), lt: prefix + hex16(to) };

/** Raw entries in index order in [from, to), as stored text (the verifier parses and checks them). */
export async function* iterateEntryTexts(db: Db, from = 0, to?: number): AsyncGenerator<{ key: string; text: string }> {
  for await (const [key, text] of db.iterator(hexRange('e!', from, to))) yield { key, text };
}

/** The stored nodes that appending leaves [from, to) created, in creation order. */
export async function* iterateNodes(db: Db, from = 0, to?: number): AsyncGenerator<{ id: NodeId; hash: Uint8Array }> {
  for await (const [key, record] of db.iterator<string, Uint8Array>({ ...hexRange('t!', from, to), valueEncoding: 'view' }))
    yield* decodeTreeRecord(parseInt(key.slice(2), 16), record);
}

/** Stored checkpoints with from ≤ size < to, ascending. */
export async function* iterateCheckpoints(db: Db, from = 0, to?: number): AsyncGenerator<Checkpoint> {
  for await (const [, text] of db.iterator(hexRange('c!', from, to))) yield JSON.parse(text) as Checkpoint;
}
