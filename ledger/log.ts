/**
 * The append-only log: entries, chain, Merkle tree, checkpoints and the domain
 * state written alongside them, on a LogStore (store.ts: LevelDB or PostgreSQL).
 *
 * Appends happen in *transactions*: a synchronous function that reads state,
 * appends events and writes state. Because it is synchronous it runs atomically
 * with respect to every other transaction, and sees the effects of every earlier
 * one, durable or not. Transactions queue into a commit group; a group is written
 * as one atomic, durable store commit (entries, indexes, Merkle nodes, its
 * checkpoint, the head pointer and the state writes), and only then do the
 * transactions' promises resolve. While one group is being written the next one
 * fills up, so concurrent appenders share fsyncs (group commit).
 *
 * A failed commit rejects every pending transaction (none of them was
 * acknowledged) and the ledger heals: it rereads its head, tree and state from
 * the store, which holds either the whole group or none of it, and takes
 * transactions again. On a store shared by several processes only the one that
 * holds the sequencer lease appends; the others serve reads and follow.
 */
import { fromHex, toHex } from './encoding.js';
import { makeEntry, type Entry, type Receipt } from './entry.js';
import { LedgerError } from './errors.js';
import type { Envelope } from './event.js';
import { signCheckpoint, type Checkpoint } from './checkpoint.js';
import { Frontier, proveConsistency, proveInclusion, treeRoot, type NodeId, type NodeReader } from './merkle.js';
import type { SigningKey } from './keys.js';
import { nodeSuite as suite } from './suite-node.js';
import { decodeTreeRecord, nodeInRecord, nodeLeaf, type CommitGroup, type LogStore, type StateScan } from './store.js';
import { openStore } from './open-store.js';
import { BoundedCache } from './cache.js';
import { checkOnOpen, loadFrontier, treeRecord, writeGenesis, type GenesisOptions } from './open.js';
import { LogVerifier, type VerifierOptions, type VerifyReport } from './verify.js';
import { exportNdjson, verifyStore, type ExportHeader } from './export.js';
import type { State, StateView } from './state.js';
import { describeWriteFailure, type WriteHealth } from './health.js';
import { nextHead, SubjectMap, subjectCommitment, type NodeSource, type SubjectHead } from './subjects.js';

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
  /**
   * Appends `event`; `canonical` = canonicalEnvelope(event).full when the caller has it (saves recomputing it).
   * `subjects` are what the entry concerns (SPEC §12 subject map), as the domain declares them.
   */
  append(event: Envelope, canonical?: string, subjects?: readonly string[]): number;
}

/** A checkpoint and the subject map its subject note signs (SPEC §12): what a view is proved against. */
export interface ViewPoint {
  checkpoint: Checkpoint;
  subjects: SubjectMap;
}

export interface LedgerOptions {
  /** LevelDB directory (the default store). */
  path?: string;
  /** A PostgreSQL URL (postgres://… or postgresql://…, also with a unix-socket host): the log lives there instead. */
  database?: string;
  /** An opened store, instead of `path`/`database`; the ledger closes it. */
  store?: LogStore;
  origin: string;
  /** Signs checkpoints. */
  operator: SigningKey;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  /** How many state values to keep parsed in memory. */
  cacheSize?: number;
  /** After a failed write, how long to wait between attempts to heal (milliseconds; default 1000). */
  recoveryRetryMs?: number;
  /**
   * Fault-injection seam, for tests: called before every commit group is written and
   * before every attempt to heal; what it throws is treated exactly like a failed write.
   */
  beforeWrite?: () => void;
}

/** What the ledger reports after each durable commit group (for metrics). */
export interface WriteObserver {
  /** A commit group of `entries` entries was written durably in `seconds`. */
  committed?(entries: number, seconds: number): void;
  /** A transaction's entries became durable `seconds` after it was submitted. */
  appended?(entries: number, seconds: number): void;
  /** A write failed; the ledger takes no writes until it has healed. */
  failed?(reason: string): void;
  /** The ledger takes writes again. */
  healed?(): void;
}

/** What a verification run reads: the entries, tree and checkpoints of the log between two sizes. */
export interface VerifyRange {
  /** The verifier's own position: it resumes there (0 for a fresh one). */
  from: number;
  /** Verify up to this durable size (default: the latest checkpoint's). */
  to?: number;
  /** Awaited before each entry is read (lets a caller pace or hold a run). */
  pace?: () => Promise<void> | void;
  /** Called for each entry read. */
  onEntry?: () => void;
}

interface Group {
  id: number;
  start: number;
  entries: Entry[];
  commit: Omit<CommitGroup, 'checkpoint'>;
  /** Internal keys whose latest pending write belongs to this group. */
  written: Map<string, string | null>;
  /** The subject map at the group's last entry. */
  subjects: SubjectMap;
  done: Promise<void>;
  resolve(): void;
  reject(e: unknown): void;
}

const DELETED = null;
/** Internal keys of the overlay and cache: 's' + state key, 'd' + actor + '\n' + id. */
const sKey = (key: string): string => 's' + key;
const dKey = (actor: string, id: string): string => 'd' + actor + '\n' + id;
/**
 * Where a subject's head is kept: a state key no plug-in writes (plug-in keys are `<noun>/…`).
 * The heads are written in the same commit group as the entries they cover.
 */
export const SUBJECT_STATE_PREFIX = 'ledger:subject/';
/** Where the subject map's node records are kept, by path (subjects.ts "Stored maps"); also engine state. */
export const SUBJECT_NODE_PREFIX = 'ledger:map/';

const parseEntry = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return { malformed: text.slice(0, 80) };
  }
};

/** Tree records never change once written; records holding nodes of level ≥ 6 (1 in 64, on every proof's path) stay in memory. */
const CACHED_LEVEL = 6;
const TREE_CACHE_SIZE = 65_536;

export class Ledger {
  private committedSize!: number;
  private latest!: Checkpoint;
  /** Chain head and tree of everything appended, durable or pending. */
  private pendingHead!: Uint8Array;
  private frontier!: Frontier;
  private pendingSize!: number;
  private lastAtMs!: number;
  /** The subject map over everything appended (durable or pending), and at the latest checkpoint. */
  private subjectMap!: SubjectMap;
  private committedSubjects!: SubjectMap;
  /** Where the subject map reads its stored nodes (retired when the ledger rereads the store). */
  private subjectSource!: StoreNodeSource;
  /** Writes of pending groups, by internal key (null = deleted), newest wins. */
  private readonly overlay = new Map<string, { value: string | null; group: number }>();
  private readonly cache: BoundedCache<string | null>;
  private open: Group | undefined;
  private readonly inFlight: Group[] = [];
  private writing = false;
  private failure: LedgerError | undefined;
  /** Why, since when and after how many attempts the ledger takes no writes (for /healthz). */
  private failed: { reason: string; since: string; probes: number } | undefined;
  private healing: Promise<void> | undefined;
  /** Hooks for metrics; never affect the ledger. */
  observer: WriteObserver = {};
  private closing = false;
  private nextGroupId = 1;

  private constructor(
    private readonly store: LogStore,
    readonly origin: string,
    private readonly operator: SigningKey,
    private readonly now: () => number,
    head: Checkpoint,
    frontier: Frontier,
    lastAtMs: number,
    subjects: LoadedSubjects,
    cacheSize: number,
    private readonly beforeWrite: (() => void) | undefined,
    private readonly recoveryRetryMs: number,
  ) {
    this.cache = new BoundedCache(cacheSize);
    this.setHead(head, frontier, lastAtMs, subjects);
    store.onMoved?.(() => this.follow());
  }

  /**
   * Opens the ledger in `path` (LevelDB) or `database` (PostgreSQL), creating it
   * with a genesis entry (SPEC §4) when the store is empty and `genesis` is given.
   * Opening costs O(log n) reads and checks the invariants that cost no more; it
   * throws LEDGER_CORRUPT naming the first one that fails.
   */
  static async open(options: LedgerOptions & { genesis?: GenesisOptions }): Promise<Ledger> {
    const store = options.store ?? (await openStore({ path: options.path, database: options.database, create: !!options.genesis }));
    try {
      const now = options.now ?? Date.now;
      const cacheSize = options.cacheSize ?? 50_000;
      const text = store.head();
      let head = text === undefined ? undefined : (JSON.parse(text) as Checkpoint);
      if (!head) {
        if (!(await store.isEmpty())) throw new LedgerError('LEDGER_CORRUPT', `the head checkpoint is missing from a non-empty ledger`);
        if (!options.genesis) throw new LedgerError('LEDGER_NOT_FOUND', `no ledger in ${store.location}`);
        head = await writeGenesis(store, options, options.genesis, now());
      }
      const { frontier, lastAtMs } = await checkOnOpen(store, options, head);
      const subjects = await loadSubjects(store, head);
      return new Ledger(
        store,
        options.origin,
        options.operator,
        now,
        head,
        frontier,
        lastAtMs,
        subjects,
        cacheSize,
        options.beforeWrite,
        options.recoveryRetryMs ?? 1000,
      );
    } catch (e) {
      await store.close();
      throw e;
    }
  }

  private setHead(head: Checkpoint, frontier: Frontier, lastAtMs: number, subjects: LoadedSubjects): void {
    this.subjectMap = subjects.map;
    this.committedSubjects = subjects.map;
    this.subjectSource = subjects.source;
    this.committedSize = head.size;
    this.latest = head;
    this.pendingSize = head.size;
    this.pendingHead = fromHex(head.head)!;
    this.frontier = frontier;
    this.lastAtMs = Math.max(this.lastAtMs ?? 0, lastAtMs);
  }

  /** Which store the log lives in ('leveldb' | 'postgres'). */
  get backend(): string {
    return this.store.backend;
  }

  /** Durable size: every index below it is stored. */
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

  /** Whether the ledger takes writes now; when not, why and since when (for /healthz). */
  get health(): WriteHealth {
    const f = this.failed;
    return f ? { ok: false, reason: f.reason, since: f.since, probes: f.probes } : { ok: true };
  }

  /** Why writes are refused right now (a failed commit not yet healed, or not the sequencer), if they are. */
  get writeBlocked(): LedgerError | undefined {
    if (this.failure) return this.failure;
    const seq = this.store.sequencing;
    if (seq && !seq.isSequencer)
      return seq.reachable
        ? new LedgerError('LEDGER_NOT_SEQUENCER', `another process sequences this log; retry in ${seq.retryAfterS} s`)
        : new LedgerError('LEDGER_UNAVAILABLE', 'the database is unreachable');
    return undefined;
  }

  /** Seconds a client should wait before retrying a refused write. */
  get retryAfterS(): number {
    return this.store.sequencing?.retryAfterS ?? 1;
  }

  /**
   * Runs `fn` as one atomic transaction and resolves once its entries and writes
   * are durable, with a receipt per appended entry. If `fn` throws, nothing it did
   * takes effect and the promise rejects with what it threw.
   */
  async transact<T>(fn: (tx: Tx) => T): Promise<{ value: T; receipts: Receipt[] }> {
    if (this.closing) throw new LedgerError('LEDGER_CLOSED', 'the ledger is closing');
    const blocked = this.writeBlocked;
    if (blocked) throw blocked;
    const startMs = performance.now();
    const atMs = Math.max(this.now(), this.lastAtMs);
    const at = new Date(atMs).toISOString();
    const writes = new Map<string, string | null>();
    const events: Envelope[] = [];
    const canonicals: Array<string | undefined> = [];
    const concerns: Array<readonly string[]> = [];
    const base = this.pendingSize;
    const tx: Tx = {
      at,
      get nextIndex() {
        return base + events.length;
      },
      get: <V>(key: string): V | undefined => {
        const raw = sKey(key);
        const local = writes.get(raw);
        const text = local !== undefined ? local : this.readPending(raw);
        return text == null ? undefined : (JSON.parse(text) as V);
      },
      put: (key, value) => {
        const text = JSON.stringify(value);
        if (text === undefined) throw new TypeError(`state value for ${key} is not JSON`);
        writes.set(sKey(key), text);
      },
      del: (key) => {
        writes.set(sKey(key), DELETED);
      },
      findEvent: (actor, id) => {
        const raw = dKey(actor, id);
        const local = writes.get(raw);
        const text = local !== undefined ? local : this.readPending(raw);
        return text == null ? undefined : Number(text);
      },
      eventAt: (index) => (index >= base ? events[index - base] : this.eventAt(index)),
      append: (event, canonical, subjects) => {
        const raw = dKey(event.actor, event.id);
        if (tx.findEvent(event.actor, event.id) !== undefined)
          throw new TypeError(`event (${event.actor}, ${event.id}) is already in the log`);
        writes.set(raw, String(base + events.length));
        events.push(event);
        canonicals.push(canonical);
        concerns.push(subjects ?? []);
        return base + events.length - 1;
      },
    };
    const value = fn(tx);
    if (events.length === 0) {
      if (writes.size) throw new TypeError('a transaction that writes state must append the events that justify it');
      return { value, receipts: [] };
    }
    const late = this.writeBlocked;
    if (late) throw late;

    // Commit point of the transaction: from here on it is part of the log.
    this.lastAtMs = atMs;
    const group = (this.open ??= this.newGroup());
    const entries = events.map((event, i) => {
      const entry = makeEntry(suite, this.pendingSize, at, event, this.pendingHead, canonicals[i]);
      this.pendingHead = fromHex(entry.hash)!;
      this.pendingSize++;
      group.commit.tree.push({ leaf: entry.index, record: treeRecord(this.frontier.push(fromHex(entry.leaf)!)) });
      group.commit.entries.push({ index: entry.index, text: JSON.stringify(entry) });
      group.commit.events.push({ actor: event.actor, id: event.id, index: entry.index });
      return entry;
    });
    group.entries.push(...entries);
    entries.forEach((entry, i) => this.concern(entry, concerns[i], writes));
    group.subjects = this.subjectMap;
    for (const [key, text] of writes) {
      if (key.charCodeAt(0) === 115 /* s */) group.commit.state.push({ key: key.slice(1), value: text });
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

  /** Moves the head of every subject of `entry` (SPEC §12): state writes of its transaction, and the pending map. */
  private concern(entry: Entry, subjects: readonly string[], writes: Map<string, string | null>): void {
    if (!subjects.length) return;
    const leaf = fromHex(entry.leaf)!;
    for (const subject of new Set(subjects)) {
      const raw = sKey(SUBJECT_STATE_PREFIX + subject);
      const local = writes.get(raw);
      const text = local !== undefined ? local : this.readPending(raw);
      const head = nextHead(suite, text == null ? undefined : (JSON.parse(text) as SubjectHead), entry.index, leaf);
      writes.set(raw, JSON.stringify(head));
      this.subjectMap = this.subjectMap.set(subject, head);
    }
  }

  /**
   * The latest checkpoint and the subject map its subject note signs (SPEC §12). Synchronous,
   * so it describes the same size as `checkpoint`, `get` and `entry` read in the same
   * synchronous stretch. The map is persistent: it stays valid (and provable) while appends go on.
   */
  viewPoint(): ViewPoint {
    return { checkpoint: this.latest, subjects: this.committedSubjects };
  }

  /** Committed state (what durable entries produced). */
  get<T = unknown>(key: string): T | undefined {
    const text = this.readCommitted(sKey(key));
    return text == null ? undefined : (JSON.parse(text) as T);
  }

  /** State including appended but not yet durable transactions: what the next transaction will see. */
  readonly pending: StateView = {
    get: <T>(key: string): T | undefined => {
      const text = this.readPending(sKey(key));
      return text == null ? undefined : (JSON.parse(text) as T);
    },
  };

  /**
   * Committed state whose keys start with `prefix`, in key order (reversed with
   * `reverse`), optionally bounded by key suffixes `gt`/`lt` after the prefix.
   * For listings; rules never scan (they read by key).
   */
  async *scan<T = unknown>(prefix: string, options: StateScan = {}): AsyncGenerator<{ key: string; value: T }> {
    for await (const { key, value } of this.store.scanState(prefix, options)) yield { key, value: JSON.parse(value) as T };
  }

  /** Index of the durable or pending entry holding event (actor, id). */
  findEvent(actor: string, id: string): number | undefined {
    const text = this.readPending(dKey(actor, id));
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
    const text = this.store.entry(index);
    return text === undefined ? undefined : (JSON.parse(text) as Entry);
  }

  /** Durable entries with from ≤ index < to (default: the durable size), as stored, in order. */
  async *entries(from = 0, to = this.committedSize): AsyncGenerator<Entry> {
    for await (const { text } of this.store.entries(from, Math.min(to, this.committedSize))) yield JSON.parse(text) as Entry;
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
    if (!(Number.isSafeInteger(size) && size > 0 && size <= this.committedSize)) return undefined;
    const text = this.store.checkpoint(size);
    return text === undefined ? undefined : (JSON.parse(text) as Checkpoint);
  }

  /** Upper-level tree records (immutable once written). */
  private readonly treeCache = new BoundedCache<Uint8Array>(TREE_CACHE_SIZE);

  private readonly readTree: NodeReader = async (ids) => {
    const nodes = await this.readNodes(ids);
    return nodes.map((n, i) => {
      if (!n) throw new LedgerError('LEDGER_CORRUPT', `Merkle node ${ids[i].level}/${ids[i].index} is missing`);
      return n;
    });
  };

  /** Stored perfect-subtree hashes, in the order asked (undefined where missing). */
  private async readNodes(ids: readonly NodeId[]): Promise<Array<Uint8Array | undefined>> {
    const leaves = ids.map(nodeLeaf);
    const records = new Map<number, Uint8Array | undefined>();
    const missing: number[] = [];
    for (const leaf of leaves) {
      if (records.has(leaf)) continue;
      const cached = this.treeCache.get(String(leaf));
      records.set(leaf, cached);
      if (!cached) missing.push(leaf);
    }
    if (missing.length) {
      const read = await this.store.treeRecords(missing);
      missing.forEach((leaf, i) => {
        records.set(leaf, read[i]);
        if (read[i] && read[i]!.length > CACHED_LEVEL * 32) this.treeCache.set(String(leaf), read[i]!);
      });
    }
    return ids.map((id, i) => nodeInRecord(id, records.get(leaves[i])));
  }

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

  /**
   * Runs `verifier` over the log from its own position up to `to` (default: the
   * latest checkpoint): the stored entries, the stored tree records those entries
   * created, and the checkpoints signed in that range, all streamed from the
   * store. Appends go on meanwhile. Returns the verifier's report.
   */
  async verifyWith(verifier: LogVerifier, range: Omit<VerifyRange, 'from'> = {}): Promise<VerifyReport> {
    const from = verifier.size;
    const to = range.to ?? this.latest.size;
    this.checkSize(to);
    const { store } = this;
    const entries = (async function* () {
      for await (const { text } of store.entries(from, to)) {
        if (range.pace) await range.pace();
        range.onEntry?.();
        yield parseEntry(text);
      }
    })();
    async function* checkpoints() {
      for await (const { text } of store.checkpoints(from + 1, to + 1)) yield parseEntry(text) as Checkpoint;
    }
    // Final: every input is bounded by `to`, so a checkpoint or stored node past the last
    // entry found means entries are missing at the end (entry_missing / node_mismatch).
    return verifier.run({ entries, checkpoints: checkpoints(), nodes: storedNodes(store, from, to) });
  }

  /** A one-shot verification of the whole stored log (entries, tree, every checkpoint and the head). */
  verify(options: Omit<VerifierOptions, 'origin' | 'operatorKey'> = {}): Promise<VerifyReport> {
    return verifyStore(this.store, { origin: this.origin, operatorKey: this.operator.publicKey, ...options });
  }

  /** The NDJSON export (SPEC §9) up to the store's head; `write` may return a promise for backpressure. */
  exportNdjson(write: (line: string) => unknown): Promise<ExportHeader> {
    return exportNdjson(this.store, write);
  }

  /** Stops accepting transactions, waits for pending ones to be durable, closes the store. */
  async close(): Promise<void> {
    this.closing = true;
    while (this.open || this.inFlight.length) {
      await (this.inFlight[0] ?? this.open)!.done.catch(() => undefined);
    }
    await this.healing?.catch(() => undefined);
    await this.store.close();
  }

  private readCommitted(raw: string): string | null {
    const cached = this.cache.get(raw);
    if (cached !== undefined) return cached;
    let text: string | null;
    if (raw.charCodeAt(0) === 115 /* s */) text = this.store.state(raw.slice(1)) ?? null;
    else {
      const nl = raw.indexOf('\n');
      const index = this.store.event(raw.slice(1, nl), raw.slice(nl + 1));
      text = index === undefined ? null : String(index);
    }
    // Only values that exist are cached: keys often come from requests (an actor id in a path, a keyid in a
    // signature), and caching misses would let anyone fill the cache with junk and evict the hot state.
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
    return {
      id: this.nextGroupId++,
      start: this.pendingSize,
      entries: [],
      commit: { entries: [], tree: [], events: [], state: [] },
      written: new Map(),
      subjects: this.subjectMap,
      done,
      resolve,
      reject,
    };
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
      checkpoint.subjects = subjectCommitment(suite, this.operator.seed, this.origin, size, group.subjects.root());
      for (const { path, record } of group.subjects.unstored()) group.commit.state.push({ key: SUBJECT_NODE_PREFIX + path, value: record });
      const writeStart = performance.now();
      try {
        this.beforeWrite?.();
        await this.store.commit({ ...group.commit, checkpoint: { size, text: JSON.stringify(checkpoint) } });
      } catch (cause) {
        this.fail(
          cause instanceof LedgerError
            ? cause
            : new LedgerError('LEDGER_WRITE_FAILED', `a durable write to ${this.store.backend} failed; nothing pending was acknowledged`, {
                cause,
              }),
        );
        break;
      }
      this.observer.committed?.(group.entries.length, (performance.now() - writeStart) / 1000);
      this.committedSize = size;
      this.latest = checkpoint;
      this.committedSubjects = group.subjects;
      for (const [key, text] of group.written) {
        this.cache.set(key, text);
        if (this.overlay.get(key)?.group === group.id) this.overlay.delete(key);
      }
      this.inFlight.shift();
      group.resolve();
    }
    this.writing = false;
  }

  /**
   * A commit failed (or may have: a lost connection leaves it unknown). Every pending
   * transaction is rejected — none was acknowledged — and the ledger heals from
   * what the store holds, which is either the whole group or none of it.
   */
  private fail(error: LedgerError): void {
    this.failure = error;
    const reason = describeWriteFailure(error.cause ?? error);
    this.failed = { reason, since: new Date(this.now()).toISOString(), probes: 0 };
    this.observer.failed?.(reason);
    for (const g of [...this.inFlight, ...(this.open ? [this.open] : [])]) g.reject(error);
    this.inFlight.length = 0;
    this.open = undefined;
    this.overlay.clear();
    this.cache.clear();
    this.healing ??= this.heal().finally(() => (this.healing = undefined));
  }

  private async heal(): Promise<void> {
    while (!this.closing) {
      if (this.failed) this.failed.probes++;
      try {
        this.beforeWrite?.();
        await this.store.refresh();
        await this.reload();
        this.failure = undefined;
        this.failed = undefined;
        this.observer.healed?.();
        return;
      } catch (cause) {
        if (this.failed) this.failed.reason = describeWriteFailure(cause);
        await new Promise((r) => setTimeout(r, this.recoveryRetryMs).unref());
      }
    }
  }

  /** Rereads head, frontier and the last receive time from the store; drops cached state. */
  private async reload(): Promise<void> {
    const text = this.store.head();
    if (text === undefined) throw new LedgerError('LEDGER_CORRUPT', 'the head checkpoint is missing');
    const head = JSON.parse(text) as Checkpoint;
    const frontier = await loadFrontier(this.store, head.size, (what) => new LedgerError('LEDGER_CORRUPT', what));
    const last = this.store.entry(head.size - 1);
    this.subjectSource.retired = true;
    const subjects = await loadSubjects(this.store, head);
    this.cache.clear();
    this.setHead(head, frontier, last ? Date.parse((JSON.parse(last) as Entry).at) : 0, subjects);
  }

  /** The store moved its head on its own (another process appended): catch up when idle. */
  private async follow(): Promise<void> {
    if (this.open || this.inFlight.length || this.failure) return;
    await this.reload();
  }
}

/** The stored nodes that appending leaves [from, to) created, in creation order. */
export async function* storedNodes(store: LogStore, from: number, to?: number): AsyncGenerator<{ id: NodeId; hash: Uint8Array }> {
  for await (const { leaf, record } of store.treeRange(from, to)) yield* decodeTreeRecord(leaf, record);
}

type StoreNodeSource = NodeSource & { retired: boolean };
interface LoadedSubjects {
  map: SubjectMap;
  source: StoreNodeSource;
}

/**
 * The subject map's records in `store`. A map read from it before the ledger reread the store
 * (after a failed write, or when another process appended) is `retired`: a record it then finds
 * changed under it is news, not corruption.
 */
const nodeSource = (store: LogStore): StoreNodeSource => {
  const source: StoreNodeSource = {
    suite,
    retired: false,
    read: (path) => store.state(SUBJECT_NODE_PREFIX + path),
    corrupt: (path, why) =>
      source.retired
        ? new LedgerError('LEDGER_UNAVAILABLE', 'the log moved on while this view was being read; retry')
        : new LedgerError('LEDGER_CORRUPT', `the subject-map node at path '${path}' ${why}`),
  };
  return source;
};

/**
 * The subject map at the head checkpoint: read from its node records as needed, after checking
 * that the root's record gives the root the checkpoint's subject note signs (one read). A store
 * written before the records were kept has only the heads: the map is rebuilt from them (O(m)
 * reads and hashes for m subjects), checked against the root, and the next commit writes all of
 * its records. Throws LEDGER_CORRUPT when the root does not check.
 */
async function loadSubjects(store: LogStore, head: Checkpoint): Promise<LoadedSubjects> {
  const source = nodeSource(store);
  const root = head.subjects && fromHex(head.subjects.root);
  if (root && (root.every((b) => b === 0) || source.read('') !== undefined)) {
    const map = SubjectMap.stored(suite, source, root);
    map.check();
    return { map, source };
  }
  const heads: Array<[string, SubjectHead]> = [];
  for await (const { key, value } of store.scanState(SUBJECT_STATE_PREFIX))
    heads.push([key.slice(SUBJECT_STATE_PREFIX.length), JSON.parse(value) as SubjectHead]);
  const map = SubjectMap.of(suite, heads);
  if (head.subjects && head.subjects.root !== toHex(map.root()))
    throw new LedgerError('LEDGER_CORRUPT', `the subject heads in the store do not give the subject root of checkpoint ${head.size}`);
  return { map, source };
}
