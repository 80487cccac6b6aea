/**
 * The LevelDB store: the embedded, zero-setup default. One keyspace, one prefix per concept:
 *
 *   e!<index:16 hex>                 entry JSON
 *   t!<leaf:16 hex>                  tree record (see store.ts)
 *   d!<actor>\n<id>                  index of the entry holding event (actor, id), decimal
 *   c!<size:16 hex>                  checkpoint JSON signed when the log reached size
 *   m!head                           latest checkpoint JSON (the commit point)
 *   s!<key>                          domain state (JSON)
 *
 * A commit group is one LevelDB batch with `sync: true`. Reads the append path makes are getSync:
 * small records, mostly in LevelDB's block cache, where a thread-pool round trip would cost more
 * than the read.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { LedgerError } from './errors.js';
import { probeWrite } from './health.js';
import { nodeLeaf, type CommitGroup, type LogStore, type StateScan } from './store.js';
import type { NodeId } from './merkle.js';

export type Db = ClassicLevel<string, string>;

const hex16 = (n: number): string => n.toString(16).padStart(16, '0');

export const HEAD_KEY = 'm!head';
export const entryKey = (index: number): string => 'e!' + hex16(index);
export const treeKey = (leaf: number): string => 't!' + hex16(leaf);
/** Key of the tree record that holds node `id` (at byte offset 32·level). */
export const nodeKey = (id: NodeId): string => treeKey(nodeLeaf(id));
export const eventKey = (actor: string, id: string): string => 'd!' + actor + '\n' + id;
export const checkpointKey = (size: number): string => 'c!' + hex16(size);
export const stateKey = (key: string): string => 's!' + key;

/** Key range of one prefix, for iterators. */
export const prefixRange = (prefix: string, from = ''): { gte: string; lt: string } => ({
  gte: prefix + from,
  lt: prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1),
});

/** Key range of one prefix from `from` (inclusive) to `to` (exclusive), both fixed-width hex positions. */
const hexRange = (prefix: string, from: number, to?: number) =>
  to === undefined ? prefixRange(prefix, hex16(from)) : { gte: prefix + hex16(from), lt: prefix + hex16(to) };

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

const VIEW = { valueEncoding: 'view' } as const;

/** Records a sequential read asks LevelDB for at once. */
const READ_BATCH = 512;

/**
 * A range read in batches, the next one read while the caller works on the
 * current: a long scan (a verifier's) neither waits for LevelDB per handful of
 * records nor leaves it idle while it hashes.
 */
async function* readAhead<V>(db: Db, options: Record<string, unknown>): AsyncGenerator<[string, V]> {
  const it = db.iterator<string, V>(options);
  let next = it.nextv(READ_BATCH);
  try {
    for (;;) {
      const batch = await next;
      if (batch.length === 0) return;
      next = it.nextv(READ_BATCH);
      yield* batch;
    }
  } finally {
    next.catch(() => undefined); // a caller that stops early leaves one read unawaited
    await it.close();
  }
}

/** One write of a batch: keys are utf8 strings; values utf8 strings or, with valueEncoding 'view', bytes. */
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
 * The database must be open.
 */
export const writeBatch = (db: Db, ops: WriteOp[], sync: boolean): Promise<void> => {
  const raw = db as unknown as PrivateBatch;
  if (db.status !== 'open' || typeof raw._batch !== 'function') return db.batch(ops as never, { sync });
  return raw._batch(
    ops.map((op) => ({ ...op, keyEncoding: 'utf8' as const, valueEncoding: op.valueEncoding ?? ('utf8' as const) })),
    { sync },
  );
};

/** The batch of one commit group. */
export const groupOps = (group: CommitGroup): WriteOp[] => {
  const ops: WriteOp[] = [];
  for (const t of group.tree) ops.push({ type: 'put', key: treeKey(t.leaf), value: t.record, ...VIEW });
  for (const e of group.entries) ops.push({ type: 'put', key: entryKey(e.index), value: e.text });
  for (const ev of group.events) ops.push({ type: 'put', key: eventKey(ev.actor, ev.id), value: String(ev.index) });
  for (const s of group.state)
    ops.push(s.value === null ? { type: 'del', key: stateKey(s.key) } : { type: 'put', key: stateKey(s.key), value: s.value });
  const { size, text } = group.checkpoint;
  ops.push({ type: 'put', key: checkpointKey(size), value: text }, { type: 'put', key: HEAD_KEY, value: text });
  return ops;
};

/** Names LevelDB gives its own files. */
const LEVELDB_FILE = /^(?:\d+\.(?:log|ldb|sst)|MANIFEST-\d+|LOCK|LOG(?:\.old)?)$/;

export class LevelStore implements LogStore {
  readonly backend = 'leveldb';
  /** Set when a commit failed: LevelDB refuses every write after a failed log write until it is reopened. */
  private broken = false;

  constructor(
    /** The LevelDB handle; only this adapter and the engine's tests touch it. */
    public db: Db,
    readonly location: string,
  ) {}

  /**
   * Opens the LevelDB directory `path`; LEDGER_NOT_FOUND when it holds none and `create` is false.
   * A directory that holds LevelDB tables but lost its CURRENT file is LEDGER_CORRUPT, never
   * recreated (LevelDB would start an empty database there and delete the old tables).
   */
  static async open(path: string, create: boolean): Promise<LevelStore> {
    const hasCurrent = existsSync(join(path, 'CURRENT'));
    // Without this, LevelDB would fail with its own error, after creating the directory.
    if (!create && !hasCurrent) throw new LedgerError('LEDGER_NOT_FOUND', `no ledger in ${path}`);
    if (!hasCurrent && existsSync(path) && readdirSync(path).some((n) => LEVELDB_FILE.test(n)))
      throw new LedgerError('LEDGER_CORRUPT', `${path} holds LevelDB files but no CURRENT file; refusing to create a ledger over them`);
    return new LevelStore(await openDb(path, !hasCurrent && create), path);
  }

  head(): string | undefined {
    return this.db.getSync(HEAD_KEY);
  }

  async isEmpty(): Promise<boolean> {
    return (await this.db.keys({ limit: 1 }).all()).length === 0;
  }

  state(key: string): string | undefined {
    return this.db.getSync(stateKey(key));
  }

  event(actor: string, id: string): number | undefined {
    const text = this.db.getSync(eventKey(actor, id));
    return text === undefined ? undefined : Number(text);
  }

  entry(index: number): string | undefined {
    return this.db.getSync(entryKey(index));
  }

  checkpoint(size: number): string | undefined {
    return this.db.getSync(checkpointKey(size));
  }

  async treeRecords(leaves: readonly number[]): Promise<Array<Uint8Array | undefined>> {
    return leaves.map((leaf) => this.db.getSync<string, Uint8Array>(treeKey(leaf), VIEW));
  }

  async *entries(from: number, to?: number): AsyncGenerator<{ index: number; text: string }> {
    for await (const [key, text] of readAhead<string>(this.db, hexRange('e!', from, to))) yield { index: parseInt(key.slice(2), 16), text };
  }

  async *treeRange(from: number, to?: number): AsyncGenerator<{ leaf: number; record: Uint8Array }> {
    for await (const [key, record] of readAhead<Uint8Array>(this.db, { ...hexRange('t!', from, to), ...VIEW }))
      yield { leaf: parseInt(key.slice(2), 16), record };
  }

  async *checkpoints(from: number, to?: number): AsyncGenerator<{ size: number; text: string }> {
    for await (const [key, text] of readAhead<string>(this.db, hexRange('c!', from, to))) yield { size: parseInt(key.slice(2), 16), text };
  }

  async *scanState(prefix: string, options: StateScan = {}): AsyncGenerator<{ key: string; value: string }> {
    const base = stateKey(prefix);
    const range = prefixRange(base);
    const it = this.db.iterator({
      ...(options.gt !== undefined ? { gt: base + options.gt } : { gte: range.gte }),
      lt: options.lt !== undefined ? base + options.lt : range.lt,
      reverse: options.reverse ?? false,
      limit: options.limit ?? -1,
    });
    try {
      for await (const [key, value] of it) yield { key: key.slice(2), value };
    } finally {
      await it.close();
    }
  }

  async commit(group: CommitGroup): Promise<void> {
    try {
      await writeBatch(this.db, groupOps(group), true);
    } catch (e) {
      this.broken = true;
      throw e;
    }
  }

  /**
   * One process owns a LevelDB directory, and a batch is all or nothing: nothing to catch up with.
   * After a failed commit, heals: a probe file is written and fsynced beside the tables (so a full
   * disk is seen before LevelDB is touched), then the database is closed and reopened.
   */
  async refresh(): Promise<boolean> {
    if (!this.broken) return false;
    probeWrite(this.location);
    if (this.db.status === 'open') await this.db.close();
    this.db = await openDb(this.location, false);
    this.broken = false;
    return false;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
