/**
 * The append-only log: entries, chain, Merkle tree, checkpoints and the domain
 * state written alongside them, on LevelDB.
 *
 * Appends happen in *transactions*: a synchronous function that reads state,
 * appends events and writes state. Because it is synchronous it runs atomically
 * with respect to every other transaction, and sees the effects of every earlier
 * one, durable or not. Transactions queue into a commit group; a group is written
 * as one LevelDB batch with `sync: true` (entries, indexes, Merkle nodes, its
 * checkpoint, the head pointer and the state writes), and only then do the
 * transactions' promises resolve. While one group is being written the next one
 * fills up, so concurrent appenders share fsyncs (group commit).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex, toHex } from './encoding.js';
import { makeEntry, type Entry, type Receipt } from './entry.js';
import { LedgerError } from './errors.js';
import type { Envelope } from './event.js';
import { signCheckpoint, type Checkpoint } from './checkpoint.js';
import { Frontier, proveConsistency, proveInclusion, treeRoot, type NodeId, type NodeReader } from './merkle.js';
import type { SigningKey } from './keys.js';
import { nodeSuite as suite } from './suite-node.js';
import {
  HEAD_KEY,
  NODE_ENCODING,
  checkpointKey,
  entryKey,
  eventKey,
  treeKey,
  openDb,
  readEntry,
  readHead,
  readNodes,
  TREE_CACHE_SIZE,
  stateKey,
  prefixRange,
  writeBatch,
  type Db,
  type WriteOp,
} from './store.js';
import { BoundedCache } from './cache.js';
import { checkOnOpen, treeRecord, writeGenesis, type GenesisOptions } from './open.js';
import { describeWriteFailure, probeWrite, type WriteHealth } from './health.js';
import type { State, StateView } from './state.js';

export type { WriteHealth } from './health.js';

export type { GenesisOptions, GenesisRegulator } from './open.js';

export type { Receipt } from './entry.js';

export type { StateView } from './state.js';

/** The handle a transaction function receives: the domain State, plus appending. */
export interface Tx extends State {
  /** Server receive time of every entry this transaction appends. */
  readonly at: string;
  /** Index the next `append` will get. */
  readonly nextIndex: number;
  /** Index of the entry (durable, pending or in this transaction) holding event (actor, id). */
  findEvent(actor: string, id: string): number | undefined;
  /** The event at an index returned by findEvent (durable, pending or in this transaction). */
  eventAt(index: number): Envelope | undefined;
  /** Appends `event`; `canonical` = canonicalEnvelope(event).full when the caller has it (saves recomputing it). */
  append(event: Envelope, canonical?: string): number;
}

export interface LedgerOptions {
  /** LevelDB directory. */
  path: string;
  origin: string;
  /** Signs checkpoints. */
  operator: SigningKey;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  /** How many state values to keep parsed in memory. */
  cacheSize?: number;
  /** After a failed write, how long to wait between probes (milliseconds; default 1000). */
  recoveryRetryMs?: number;
  /**
   * Fault-injection seam, for tests: called before every commit group is written;
   * what it throws is treated exactly like a failed LevelDB write.
   */
  beforeWrite?: () => void;
}

/** What the ledger reports after each durable commit group (for metrics). */
export interface WriteObserver {
  /** A commit group of `entries` entries was written and fsynced in `seconds`. */
  committed?(entries: number, seconds: number): void;
  /** A transaction's entries became durable `seconds` after it was submitted. */
  appended?(entries: number, seconds: number): void;
  /** A write failed; the ledger takes no writes until it has healed. */
  failed?(reason: string): void;
  /** The ledger takes writes again. */
  healed?(): void;
}

interface Group {
  id: number;
  start: number;
  entries: Entry[];
  ops: WriteOp[];
  /** Raw keys whose latest pending write belongs to this group. */
  written: Map<string, string | null>;
  done: Promise<void>;
  resolve(): void;
  reject(e: unknown): void;
}

const DELETED = null;

/** Names LevelDB gives its own files. */
const LEVELDB_FILE = /^(?:\d+\.(?:log|ldb|sst)|MANIFEST-\d+|LOCK|LOG(?:\.old)?)$/;

export class Ledger {
  private committedSize: number;
  private latest: Checkpoint;
  /** Chain head and tree of everything appended, durable or pending. */
  private pendingHead: Uint8Array;
  private frontier: Frontier;
  private pendingSize: number;
  private lastAtMs: number;
  /** Writes of pending groups, by raw key (null = deleted), newest wins. */
  private readonly overlay = new Map<string, { value: string | null; group: number }>();
  private readonly cache: BoundedCache<string | null>;
  private open: Group | undefined;
  private readonly inFlight: Group[] = [];
  private writing = false;
  /** Set while the ledger takes no writes after a failed one (see health.ts). */
  private failure: { error: LedgerError; reason: string; since: string; probes: number } | undefined;
  private recovery: { timer?: NodeJS.Timeout; running?: Promise<void> } | undefined;
  /** Hooks for metrics; never affect the ledger. */
  observer: WriteObserver = {};
  private closing = false;
  private nextGroupId = 1;

  private constructor(
    private db: Db,
    private readonly options: LedgerOptions,
    readonly origin: string,
    private readonly operator: SigningKey,
    private readonly now: () => number,
    head: Checkpoint,
    frontier: Frontier,
    lastAtMs: number,
    cacheSize: number,
  ) {
    this.committedSize = head.size;
    this.latest = head;
    this.pendingSize = head.size;
    this.pendingHead = fromHex(head.head)!;
    this.frontier = frontier;
    this.lastAtMs = lastAtMs;
    this.cache = new BoundedCache(cacheSize);
  }

  /**
   * Opens the ledger in `path`, creating it with a genesis entry (SPEC §4) when
   * the directory is new and `genesis` is given. Opening costs O(log n) reads and
   * checks the invariants that cost no more; it throws LEDGER_CORRUPT naming the
   * first one that fails.
   */
  static async open(options: LedgerOptions & { genesis?: GenesisOptions }): Promise<Ledger> {
    // Without this, LevelDB would fail with its own error, after creating the directory.
    const hasCurrent = existsSync(join(options.path, 'CURRENT'));
    if (!options.genesis && !hasCurrent) throw new LedgerError('LEDGER_NOT_FOUND', `no ledger in ${options.path}`);
    // LevelDB asked to create a database where tables exist but CURRENT is lost starts an empty one and deletes the tables.
    if (!hasCurrent && existsSync(options.path) && readdirSync(options.path).some((n) => LEVELDB_FILE.test(n)))
      throw new LedgerError(
        'LEDGER_CORRUPT',
        `${options.path} holds LevelDB files but no CURRENT file; refusing to create a ledger over them`,
      );
    const db = await openDb(options.path, !hasCurrent);
    try {
      const now = options.now ?? Date.now;
      const cacheSize = options.cacheSize ?? 50_000;
      let head = readHead(db);
      if (!head) {
        if ((await db.keys({ limit: 1 }).all()).length)
          throw new LedgerError('LEDGER_CORRUPT', `${HEAD_KEY} is missing from a non-empty ledger`);
        if (!options.genesis) throw new LedgerError('LEDGER_NOT_FOUND', `no ledger in ${options.path}`);
        head = await writeGenesis(db, options, options.genesis, now());
      }
      const { frontier, lastAtMs } = await checkOnOpen(db, options, head);
      return new Ledger(db, options, options.origin, options.operator, now, head, frontier, lastAtMs, cacheSize);
    } catch (e) {
      await db.close();
      throw e;
    }
  }

  /** Durable size: every index below it is on disk. */
  get size(): number {
    return this.committedSize;
  }

  /** The latest signed checkpoint (covers every durable entry). */
  get checkpoint(): Checkpoint {
    return this.latest;
  }

  get operatorKey(): string {
    return this.operator.publicKey;
  }

  /**
   * Runs `fn` as one atomic transaction and resolves once its entries and writes
   * are durable, with a receipt per appended entry. If `fn` throws, nothing it did
   * takes effect and the promise rejects with what it threw.
   */
  async transact<T>(fn: (tx: Tx) => T): Promise<{ value: T; receipts: Receipt[] }> {
    if (this.failure) throw this.unavailable();
    const startMs = performance.now();
    if (this.closing) throw new LedgerError('LEDGER_CLOSED', 'the ledger is closing');
    const atMs = Math.max(this.now(), this.lastAtMs);
    const at = new Date(atMs).toISOString();
    const writes = new Map<string, string | null>();
    const events: Envelope[] = [];
    const canonicals: Array<string | undefined> = [];
    const base = this.pendingSize;
    const tx: Tx = {
      at,
      get nextIndex() {
        return base + events.length;
      },
      get: <V>(key: string): V | undefined => {
        const raw = stateKey(key);
        const local = writes.get(raw);
        const text = local !== undefined ? local : this.readPending(raw);
        return text == null ? undefined : (JSON.parse(text) as V);
      },
      put: (key, value) => {
        const text = JSON.stringify(value);
        if (text === undefined) throw new TypeError(`state value for ${key} is not JSON`);
        writes.set(stateKey(key), text);
      },
      del: (key) => {
        writes.set(stateKey(key), DELETED);
      },
      findEvent: (actor, id) => {
        const raw = eventKey(actor, id);
        const local = writes.get(raw);
        const text = local !== undefined ? local : this.readPending(raw);
        return text == null ? undefined : Number(text);
      },
      eventAt: (index) => (index >= base ? events[index - base] : this.eventAt(index)),
      append: (event, canonical) => {
        const raw = eventKey(event.actor, event.id);
        if (tx.findEvent(event.actor, event.id) !== undefined)
          throw new TypeError(`event (${event.actor}, ${event.id}) is already in the log`);
        writes.set(raw, String(base + events.length));
        events.push(event);
        canonicals.push(canonical);
        return base + events.length - 1;
      },
    };
    const value = fn(tx);
    if (events.length === 0) {
      if (writes.size) throw new TypeError('a transaction that writes state must append the events that justify it');
      return { value, receipts: [] };
    }
    if (this.failure) throw this.unavailable();

    // Commit point of the transaction: from here on it is part of the log.
    this.lastAtMs = atMs;
    const group = (this.open ??= this.newGroup());
    const entries = events.map((event, i) => {
      const entry = makeEntry(suite, this.pendingSize, at, event, this.pendingHead, canonicals[i]);
      this.pendingHead = fromHex(entry.hash)!;
      this.pendingSize++;
      group.ops.push({
        type: 'put',
        key: treeKey(entry.index),
        value: treeRecord(this.frontier.push(fromHex(entry.leaf)!)),
        ...NODE_ENCODING,
      });
      group.ops.push({ type: 'put', key: entryKey(entry.index), value: JSON.stringify(entry) });
      return entry;
    });
    group.entries.push(...entries);
    for (const [key, text] of writes) {
      group.ops.push(text === DELETED ? { type: 'del', key } : { type: 'put', key, value: text });
      group.written.set(key, text);
      this.overlay.set(key, { value: text, group: group.id });
    }
    this.scheduleFlush();
    await group.done;
    this.observer.appended?.(entries.length, (performance.now() - startMs) / 1000);
    const checkpoint = this.latest;
    return {
      value,
      receipts: entries.map((e) => ({ index: e.index, at: e.at, leaf: e.leaf, hash: e.hash, checkpoint })),
    };
  }

  /** Committed state (what durable entries produced). */
  get<T = unknown>(key: string): T | undefined {
    const text = this.readCommitted(stateKey(key));
    return text == null ? undefined : (JSON.parse(text) as T);
  }

  /** State including appended but not yet durable transactions: what the next transaction will see. */
  readonly pending: StateView = {
    get: <T>(key: string): T | undefined => {
      const text = this.readPending(stateKey(key));
      return text == null ? undefined : (JSON.parse(text) as T);
    },
  };

  /**
   * Committed state whose keys start with `prefix`, in key order (reversed with
   * `reverse`), optionally bounded by key suffixes `gt`/`lt` after the prefix.
   * For listings; rules never scan (they read by key).
   */
  async *scan<T = unknown>(
    prefix: string,
    options: { gt?: string; lt?: string; reverse?: boolean; limit?: number } = {},
  ): AsyncGenerator<{ key: string; value: T }> {
    const base = stateKey(prefix);
    const range = prefixRange(base);
    const it = this.db.iterator({
      ...(options.gt !== undefined ? { gt: base + options.gt } : { gte: range.gte }),
      lt: options.lt !== undefined ? base + options.lt : range.lt,
      reverse: options.reverse ?? false,
      limit: options.limit ?? -1,
    });
    try {
      for await (const [key, text] of it) yield { key: key.slice(2), value: JSON.parse(text) as T };
    } finally {
      await it.close();
    }
  }

  /** Index of the durable or pending entry holding event (actor, id). */
  findEvent(actor: string, id: string): number | undefined {
    const text = this.readPending(eventKey(actor, id));
    return text == null ? undefined : Number(text);
  }

  /** The event of a durable or pending entry. */
  private eventAt(index: number): Envelope | undefined {
    if (index < this.committedSize) return this.entry(index)?.event;
    for (const g of [...this.inFlight, ...(this.open ? [this.open] : [])])
      if (index >= g.start && index < g.start + g.entries.length) return g.entries[index - g.start].event;
    return undefined;
  }

  /** A durable entry, or undefined past the durable size. */
  entry(index: number): Entry | undefined {
    if (!(Number.isSafeInteger(index) && index >= 0 && index < this.committedSize)) return undefined;
    return readEntry(this.db, index);
  }

  /** Resolves once entry `index` (appended, maybe not yet durable) is durable; rejects if its write failed. */
  async durable(index: number): Promise<void> {
    if (index < this.committedSize) return;
    const group = [...this.inFlight, ...(this.open ? [this.open] : [])].find((g) => index >= g.start && index < g.start + g.entries.length);
    if (!group) throw new RangeError(`no entry ${index}`);
    await group.done;
  }

  /** The receipt of a durable entry, with the latest checkpoint. */
  receipt(index: number): Receipt | undefined {
    const e = this.entry(index);
    return e && { index: e.index, at: e.at, leaf: e.leaf, hash: e.hash, checkpoint: this.latest };
  }

  /** The checkpoint signed when the log reached exactly `size`, if there was one. */
  checkpointAt(size: number): Checkpoint | undefined {
    if (size === this.latest.size) return this.latest;
    const text = this.db.getSync(checkpointKey(size));
    return text === undefined ? undefined : (JSON.parse(text) as Checkpoint);
  }

  /** Upper-level tree records (immutable once written), see store.ts. */
  private readonly treeCache = new BoundedCache<Uint8Array>(TREE_CACHE_SIZE);

  private readonly readTree: NodeReader = async (ids) => {
    const nodes = await readNodes(this.db, ids, this.treeCache);
    return nodes.map((n, i) => {
      if (!n) throw new LedgerError('LEDGER_CORRUPT', `Merkle node ${ids[i].level}/${ids[i].index} is missing`);
      return n;
    });
  };

  /**
   * Stored perfect-subtree hashes (merkle.ts NodeId), in the order asked; every
   * node must be complete within the durable size (RangeError otherwise). Tiles
   * (tiles.ts) are read through this: they are these nodes, not a second copy.
   */
  async nodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    for (const id of ids)
      if (!((id.index + 1) * 2 ** id.level <= this.committedSize))
        throw new RangeError(`node ${id.level}/${id.index} is not complete at size ${this.committedSize}`);
    return ids.length ? this.readTree(ids) : [];
  }

  private checkSize(size: number): void {
    if (!(Number.isSafeInteger(size) && size >= 0 && size <= this.committedSize))
      throw new RangeError(`size ${size} is not between 0 and the ledger size ${this.committedSize}`);
  }

  /** Merkle root at any durable size, O(log n) reads. */
  async rootAt(size: number): Promise<Uint8Array> {
    this.checkSize(size);
    return treeRoot(suite, size, this.readTree);
  }

  /** RFC 9162 inclusion proof of `index` in the tree of `size`. */
  async proveInclusion(index: number, size: number): Promise<string[]> {
    this.checkSize(size);
    return (await proveInclusion(suite, index, size, this.readTree)).map(toHex);
  }

  /** RFC 9162 consistency proof between two durable sizes. */
  async proveConsistency(from: number, to: number): Promise<string[]> {
    this.checkSize(to);
    return (await proveConsistency(suite, from, to, this.readTree)).map(toHex);
  }

  /** The raw database, for read-only tools (export, verify) that stream it. */
  get database(): Db {
    return this.db;
  }

  /** Whether the ledger takes writes now; when not, why and since when (for /healthz). */
  get health(): WriteHealth {
    const f = this.failure;
    return f ? { ok: false, reason: f.reason, since: f.since, probes: f.probes } : { ok: true };
  }

  /** Stops accepting transactions, waits for pending ones to be durable, closes LevelDB. */
  async close(): Promise<void> {
    this.closing = true;
    while (this.open || this.inFlight.length) {
      await (this.inFlight[0] ?? this.open)!.done.catch(() => undefined);
    }
    clearTimeout(this.recovery?.timer);
    await this.recovery?.running;
    if (this.db.status === 'open') await this.db.close();
  }

  /**
   * Committed state by raw key. Only values that exist are cached: keys often come
   * from requests (an actor id in a path, a keyid in a signature), and caching
   * misses would let anyone fill the cache with junk and evict the hot state.
   */
  private readCommitted(raw: string): string | null {
    const cached = this.cache.get(raw);
    if (cached !== undefined) return cached;
    const text = this.db.getSync(raw) ?? null;
    if (text !== null) this.cache.set(raw, text);
    return text;
  }

  private readPending(raw: string): string | null {
    const pending = this.overlay.get(raw);
    return pending ? pending.value : this.readCommitted(raw);
  }

  private newGroup(): Group {
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    done.catch(() => undefined); // observed by every transaction awaiting it
    return { id: this.nextGroupId++, start: this.pendingSize, entries: [], ops: [], written: new Map(), done, resolve, reject };
  }

  private scheduleFlush(): void {
    if (!this.writing) {
      this.writing = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Writes groups one after another until none is open. */
  private async flush(): Promise<void> {
    while (this.open && !this.failure) {
      const group = this.open;
      this.open = undefined;
      this.inFlight.push(group);
      const size = group.start + group.entries.length;
      // The open group always ends at the pending size, so the frontier is exactly this group's tree.
      if (this.frontier.size !== size) throw new TypeError('commit group does not end at the tree size');
      const checkpoint = signCheckpoint(suite, this.operator.seed, {
        origin: this.origin,
        size,
        root: this.frontier.root(),
        head: fromHex(group.entries[group.entries.length - 1]?.hash ?? this.latest.head)!,
      });
      const cpText = JSON.stringify(checkpoint);
      group.ops.push({ type: 'put', key: checkpointKey(size), value: cpText }, { type: 'put', key: HEAD_KEY, value: cpText });
      const writeStart = performance.now();
      try {
        this.options.beforeWrite?.();
        await writeBatch(this.db, group.ops, true);
      } catch (cause) {
        this.fail(cause);
        break;
      }
      this.observer.committed?.(group.entries.length, (performance.now() - writeStart) / 1000);
      this.committedSize = size;
      this.latest = checkpoint;
      // Deletions are cached as known-absent (null): they shadow an older cached value, and their keys are the ledger's own.
      for (const [key, text] of group.written) {
        this.cache.set(key, text);
        if (this.overlay.get(key)?.group === group.id) this.overlay.delete(key);
      }
      this.inFlight.shift();
      group.resolve();
    }
    this.writing = false;
  }

  private unavailable(): LedgerError {
    return new LedgerError('LEDGER_UNAVAILABLE', `the ledger takes no writes: ${this.failure!.reason}; it retries by itself`, {
      cause: this.failure!.error,
    });
  }

  /**
   * A write failed: every transaction not yet durable is rejected (none was
   * acknowledged), what they appended is forgotten (pending state, chain head and
   * size roll back to the durable checkpoint; the tree is reloaded on recovery),
   * and the probe starts.
   */
  private fail(cause: unknown): void {
    const reason = describeWriteFailure(cause);
    const error = new LedgerError('LEDGER_WRITE_FAILED', `${reason}; nothing pending was appended`, { cause });
    this.failure = { error, reason, since: new Date(this.now()).toISOString(), probes: 0 };
    for (const g of [...this.inFlight, ...(this.open ? [this.open] : [])]) g.reject(error);
    this.inFlight.length = 0;
    this.open = undefined;
    this.overlay.clear();
    this.cache.clear();
    this.pendingSize = this.committedSize;
    this.pendingHead = fromHex(this.latest.head)!;
    this.observer.failed?.(reason);
    this.recovery = {};
    this.scheduleRecovery();
  }

  private scheduleRecovery(): void {
    if (this.closing || !this.recovery) return;
    const recovery = this.recovery;
    recovery.timer = setTimeout(() => {
      recovery.running = this.recover().finally(() => (recovery.running = undefined));
    }, this.options.recoveryRetryMs ?? 1000);
    recovery.timer.unref();
  }

  /** One probe: a test write beside the store, then the store reopened and checked; healthy again when both succeed. */
  private async recover(): Promise<void> {
    const f = this.failure!;
    f.probes++;
    try {
      probeWrite(this.options.path);
      this.options.beforeWrite?.();
    } catch (cause) {
      f.reason = describeWriteFailure(cause);
      return this.scheduleRecovery();
    }
    if (this.closing) return;
    try {
      if (this.db.status === 'open') await this.db.close();
      const db = await openDb(this.options.path, false);
      try {
        const head = readHead(db);
        if (!head) throw new LedgerError('LEDGER_CORRUPT', `${HEAD_KEY} is missing after reopening`);
        const { frontier, lastAtMs } = await checkOnOpen(db, this.options, head);
        this.db = db;
        this.frontier = frontier;
        this.lastAtMs = Math.max(this.lastAtMs, lastAtMs);
        // A write that failed may still have reached the disk; the head read back is the truth.
        this.committedSize = this.pendingSize = head.size;
        this.latest = head;
        this.pendingHead = fromHex(head.head)!;
        this.cache.clear();
      } catch (e) {
        await db.close();
        throw e;
      }
    } catch (cause) {
      f.reason = `reopening after a failed write: ${describeWriteFailure(cause)}`;
      return this.scheduleRecovery();
    }
    this.failure = undefined;
    this.recovery = undefined;
    this.observer.healed?.();
  }
}
