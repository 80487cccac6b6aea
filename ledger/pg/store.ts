/**
 * The PostgreSQL store (schema.ts has the tables). One commit group is one call
 * of the `anxin_commit` function: one statement, one transaction, one WAL flush
 * (with the server's default synchronous_commit), fenced by the sequencer epoch
 * and chained to the head it extends — so a group lands whole or not at all, no
 * two entries ever share an index, and only the current sequencer writes.
 *
 * Several processes may open one database. One at a time holds the sequencer
 * lease: a session-level advisory lock on a connection of its own, kept alive by
 * a query every `ttl`/3 and dropped by the server (idle_session_timeout) when the
 * process stops answering, e.g. paused with SIGSTOP. The process that takes the
 * lock increments the epoch, catches up with the log, and only then sequences;
 * a former sequencer's next commit names the old epoch and fails. The others
 * follow the head (polling) and serve reads.
 *
 * Domain state and the event index — read synchronously inside transactions —
 * are kept in memory: loaded at open, updated by this process's commits and by
 * following the sequencer. Entries and checkpoints are read on demand (recent
 * ones from memory, others through sync-reader.ts); tree records, streams and
 * listings through the connection pool.
 */
import pg from 'pg';
import { LedgerError } from '../errors.js';
import { BoundedCache } from '../cache.js';
import type { CommitGroup, LogStore, Sequencing, StateScan } from '../store.js';
import { migrate } from './schema.js';
import { SyncReader } from './sync-reader.js';

export interface PgStoreOptions {
  /** Create the schema when missing (and wait for another process's genesis when not the sequencer). */
  create: boolean;
  /** Tools: never take the lease, never write, never follow. */
  readOnly: boolean;
}

/** The advisory lock key of the sequencer lease (advisory locks are per database). */
const SEQUENCER_LOCK = 0x616e78696e02; // "anxin" 2
const PAGE = 1000;
const LOAD_PAGE = 20_000;

/** Milliseconds: how long a silent sequencer keeps the lease (ANXIN_SEQUENCER_TTL_MS, default 5 s). */
const leaseTtlMs = (): number => {
  const v = Number(process.env.ANXIN_SEQUENCER_TTL_MS);
  return Number.isFinite(v) && v >= 200 ? v : 5000;
};

/** Error codes that mean the database could not be reached or went away. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOENT',
  'EPIPE',
  'ETIMEDOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

const isConnectionError = (e: unknown): boolean => {
  const err = e as { code?: string; message?: string };
  return (
    CONNECTION_CODES.has(String(err?.code)) ||
    /Connection terminated|connection is closed|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
      String(err?.message),
    )
  );
};

/** The error a failed database call means to the ledger. */
export const storeError = (e: unknown, what: string): LedgerError => {
  if (e instanceof LedgerError) return e;
  const code = (e as { code?: string })?.code;
  if (code === 'AX001' || code === 'AX002')
    return new LedgerError('LEDGER_NOT_SEQUENCER', `another process took over sequencing: ${(e as Error).message}`, { cause: e });
  if (isConnectionError(e)) return new LedgerError('LEDGER_UNAVAILABLE', `the database is unreachable (${what})`, { cause: e });
  return new LedgerError('LEDGER_WRITE_FAILED', `${what} failed: ${(e as Error)?.message}`, { cause: e });
};

/** The URL without its password, for messages. */
const redact = (url: string): string => url.replace(/(\/\/[^:/@]*):[^@/]*@/, '$1:***@');

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** The smallest string greater than every string starting with `prefix` (undefined for ''). */
const prefixEnd = (prefix: string): string | undefined =>
  prefix === '' ? undefined : prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);

const toBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export class PgStore implements LogStore, Sequencing {
  readonly backend = 'postgres';
  readonly location: string;
  readonly sequencing: Sequencing = this;

  /** Domain state and the event index, as of `size`. */
  private readonly stateMap = new Map<string, string>();
  private readonly eventMap = new Map<string, number>();
  private headText: string | undefined;
  private size = 0;
  private readonly recentEntries = new BoundedCache<string>(16_384);
  private readonly recentCheckpoints = new BoundedCache<string>(1024);

  private epoch: number | undefined;
  private sequencer = false;
  private available = true;
  private lockClient: pg.Client | undefined;
  private closed = false;
  private loop: Promise<void> | undefined;
  private readonly listeners: Array<() => Promise<void>> = [];
  private readonly ttlMs = leaseTtlMs();

  private constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
    private readonly reader: SyncReader,
    private readonly options: PgStoreOptions,
  ) {
    this.location = redact(url);
  }

  static async open(url: string, options: PgStoreOptions): Promise<PgStore> {
    const pool = new pg.Pool({ connectionString: url, max: 8, application_name: 'anxin', connectionTimeoutMillis: 10_000 });
    pool.on('error', () => undefined); // an idle client's lost connection: the next query reconnects
    const store = new PgStore(url, pool, new SyncReader(url), options);
    try {
      const client = await pool.connect().catch((e) => {
        throw new LedgerError('LEDGER_NOT_FOUND', `cannot connect to ${store.location}: ${(e as Error).message}`, { cause: e });
      });
      try {
        const { rows } = await client.query(`SELECT to_regclass('anxin_migrations') IS NOT NULL AS ok`);
        if (!rows[0].ok && !options.create) throw new LedgerError('LEDGER_NOT_FOUND', `no ledger in ${store.location}`);
        if (!options.readOnly) await migrate(client);
      } finally {
        client.release();
      }
      await store.reader.ready;
      await store.catchUp(true);
      if (!options.readOnly) {
        await store.tick();
        if (options.create && store.headText === undefined && !store.sequencer) await store.awaitGenesis();
        store.loop = store.run();
      }
      return store;
    } catch (e) {
      await store.close();
      throw e instanceof LedgerError ? e : storeError(e, 'opening the database');
    }
  }

  // Sequencing

  get isSequencer(): boolean {
    return this.sequencer;
  }

  get reachable(): boolean {
    return this.available;
  }

  get retryAfterS(): number {
    return Math.max(1, Math.ceil(this.ttlMs / 1000));
  }

  onMoved(listener: () => Promise<void>): void {
    this.listeners.push(listener);
  }

  /** Another process sequences and the log is empty: wait for its genesis. */
  private async awaitGenesis(): Promise<void> {
    for (let waited = 0; this.headText === undefined; waited += 200) {
      if (waited > 30_000) throw new LedgerError('LEDGER_NOT_FOUND', `no ledger in ${this.location} and another process holds the lease`);
      await sleep(200);
      await this.tick();
    }
  }

  /** The lease loop: keep the lease alive, or try to take it and follow the head meanwhile. */
  private async run(): Promise<void> {
    while (!this.closed) {
      await sleep(Math.min(250, this.ttlMs / 3));
      if (!this.closed) await this.tick().catch(() => undefined);
    }
  }

  private async tick(): Promise<void> {
    if (this.sequencer) {
      try {
        await this.lockClient!.query('SELECT 1');
      } catch {
        this.loseLease(); // the session ended (e.g. we stalled past the TTL); the next tick finds out whether the database is there
      }
      return;
    }
    try {
      if (!this.lockClient) {
        const c = new pg.Client({ connectionString: this.url, application_name: 'anxin-sequencer-lease' });
        c.on('error', () => this.loseLease(c));
        await c.connect();
        // The server ends this session, and so releases the lock, when we stop answering.
        await c.query(`SET idle_session_timeout = ${Math.round(this.ttlMs)}`);
        this.lockClient = c;
      }
      const { rows } = await this.lockClient.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [SEQUENCER_LOCK]);
      this.available = true;
      if (rows[0].ok) return await this.takeOver();
    } catch (e) {
      this.available = !isConnectionError(e) && this.available;
      this.loseLease();
    }
    await this.follow();
  }

  /** We hold the lock: fence out every earlier sequencer, catch up, then sequence. */
  private async takeOver(): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ epoch: string }>(
        'UPDATE anxin_sequencer SET epoch = epoch + 1, since = now() RETURNING epoch',
      );
      this.epoch = Number(rows[0].epoch);
      if (await this.catchUp(false)) for (const l of this.listeners) await l();
      this.sequencer = true;
    } catch (e) {
      if (isConnectionError(e) || (e instanceof LedgerError && e.code === 'LEDGER_UNAVAILABLE')) this.available = false;
      this.loseLease();
    }
  }

  private loseLease(client = this.lockClient): void {
    if (client !== this.lockClient) return;
    this.sequencer = false;
    this.lockClient = undefined;
    client?.end().catch(() => undefined);
  }

  /** Not the sequencer: when the head moved, catch up and tell the ledger. */
  private async follow(): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ size: string; body: string }>('SELECT size, body FROM anxin_head');
      this.available = true;
      if (Number(rows[0].size) === this.size) return;
      if (await this.catchUp(false)) for (const l of this.listeners) await l();
    } catch (e) {
      if (isConnectionError(e) || (e instanceof LedgerError && e.code === 'LEDGER_UNAVAILABLE')) this.available = false;
    }
  }

  // Reads

  head(): string | undefined {
    return this.headText;
  }

  async isEmpty(): Promise<boolean> {
    const { rows } = await this.pool.query<{ empty: boolean }>(
      `SELECT (SELECT size FROM anxin_head) = 0 AND NOT EXISTS (SELECT 1 FROM anxin_entries) AND NOT EXISTS (SELECT 1 FROM anxin_tree)
        AND NOT EXISTS (SELECT 1 FROM anxin_checkpoints) AND NOT EXISTS (SELECT 1 FROM anxin_state) AND NOT EXISTS (SELECT 1 FROM anxin_events) AS empty`,
    );
    return rows[0].empty;
  }

  state(key: string): string | undefined {
    return this.stateMap.get(key);
  }

  event(actor: string, id: string): number | undefined {
    return this.eventMap.get(actor + '\n' + id);
  }

  entry(index: number): string | undefined {
    const recent = this.recentEntries.get(String(index));
    if (recent !== undefined) return recent;
    const rows = this.reader.query('SELECT body FROM anxin_entries WHERE idx = $1', [index]);
    return rows.length ? (rows[0][0] as string) : undefined;
  }

  checkpoint(size: number): string | undefined {
    const recent = this.recentCheckpoints.get(String(size));
    if (recent !== undefined) return recent;
    const rows = this.reader.query('SELECT body FROM anxin_checkpoints WHERE size = $1', [size]);
    return rows.length ? (rows[0][0] as string) : undefined;
  }

  async treeRecords(leaves: readonly number[]): Promise<Array<Uint8Array | undefined>> {
    if (!leaves.length) return [];
    const { rows } = await this.query<{ leaf: string; record: Buffer }>(
      'SELECT leaf, record FROM anxin_tree WHERE leaf = ANY($1::bigint[])',
      [leaves],
    );
    const byLeaf = new Map(rows.map((r) => [Number(r.leaf), new Uint8Array(r.record)]));
    return leaves.map((l) => byLeaf.get(l));
  }

  /** Rows of `table` with from ≤ column < to, ascending, a page at a time. */
  private async *range<R extends Record<string, unknown>>(table: string, column: string, cols: string, from: number, to?: number) {
    let next = from;
    for (;;) {
      const { rows } = await this.query<R>(
        `SELECT ${cols} FROM ${table} WHERE ${column} >= $1 ${to === undefined ? '' : `AND ${column} < $2`} ORDER BY ${column} LIMIT ${PAGE}`,
        to === undefined ? [next] : [next, to],
      );
      yield* rows;
      if (rows.length < PAGE) return;
      next = Number(rows[rows.length - 1][column]) + 1;
    }
  }

  async *entries(from: number, to?: number): AsyncGenerator<{ index: number; text: string }> {
    for await (const r of this.range<{ idx: string; body: string }>('anxin_entries', 'idx', 'idx, body', from, to))
      yield { index: Number(r.idx), text: r.body };
  }

  async *treeRange(from: number, to?: number): AsyncGenerator<{ leaf: number; record: Uint8Array }> {
    for await (const r of this.range<{ leaf: string; record: Buffer }>('anxin_tree', 'leaf', 'leaf, record', from, to))
      yield { leaf: Number(r.leaf), record: new Uint8Array(r.record) };
  }

  async *checkpoints(from: number, to?: number): AsyncGenerator<{ size: number; text: string }> {
    for await (const r of this.range<{ size: string; body: string }>('anxin_checkpoints', 'size', 'size, body', from, to))
      yield { size: Number(r.size), text: r.body };
  }

  async *scanState(prefix: string, options: StateScan = {}): AsyncGenerator<{ key: string; value: string }> {
    const reverse = options.reverse ?? false;
    let low = options.gt !== undefined ? { key: prefix + options.gt, strict: true } : { key: prefix, strict: false };
    let high = options.lt !== undefined ? { key: prefix + options.lt, strict: true } : { key: prefixEnd(prefix), strict: true };
    let left = options.limit === undefined || options.limit < 0 ? Infinity : options.limit;
    while (left > 0) {
      const n = Math.min(PAGE, left);
      const values: unknown[] = [prefix, low.key];
      let where = `starts_with(key, $1) AND value IS NOT NULL AND key ${low.strict ? '>' : '>='} $2`;
      if (high.key !== undefined) {
        values.push(high.key);
        where += ` AND key < $3`;
      }
      const { rows } = await this.query<{ key: string; value: string }>(
        `SELECT key, value FROM anxin_state WHERE ${where} ORDER BY key ${reverse ? 'DESC' : 'ASC'} LIMIT ${n}`,
        values,
      );
      for (const r of rows) yield r;
      left -= rows.length;
      if (rows.length < n) return;
      const last = rows[rows.length - 1].key;
      if (reverse) high = { key: last, strict: true };
      else low = { key: last, strict: true };
    }
  }

  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (e) {
      const err = storeError(e, 'a database read');
      throw err.code === 'LEDGER_WRITE_FAILED' ? e : err;
    }
  }

  // Writes

  async commit(group: CommitGroup): Promise<void> {
    if (this.options.readOnly) throw new LedgerError('LEDGER_NOT_SEQUENCER', 'this store was opened read-only');
    if (!this.sequencer || this.epoch === undefined)
      throw new LedgerError('LEDGER_NOT_SEQUENCER', 'this process does not hold the sequencer lease');
    const from = group.entries.length ? group.entries[0].index : this.size;
    if (from !== this.size) throw new TypeError(`commit group starts at ${from}, the store is at ${this.size}`);
    // One row per key: the last write of a key in the group wins.
    const state = new Map<string, string | null>();
    for (const s of group.state) state.set(s.key, s.value);
    try {
      await this.pool.query('SELECT anxin_commit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)', [
        this.epoch,
        from,
        group.checkpoint.size,
        group.entries.map((e) => e.text),
        group.tree.map((t) => toBuffer(t.record)),
        group.events.map((e) => e.actor),
        group.events.map((e) => e.id),
        group.events.map((e) => e.index),
        [...state.keys()],
        [...state.values()],
        group.checkpoint.text,
      ]);
    } catch (e) {
      throw storeError(e, 'a commit');
    }
    for (const [key, value] of state) {
      if (value === null) this.stateMap.delete(key);
      else this.stateMap.set(key, value);
    }
    for (const e of group.events) this.eventMap.set(e.actor + '\n' + e.id, e.index);
    for (const e of group.entries) this.recentEntries.set(String(e.index), e.text);
    this.recentCheckpoints.set(String(group.checkpoint.size), group.checkpoint.text);
    this.headText = group.checkpoint.text;
    this.size = group.checkpoint.size;
  }

  async refresh(): Promise<boolean> {
    return this.catchUp(false);
  }

  /**
   * Brings state, index and head up to the database's head, from one snapshot.
   * Throws LEDGER_CORRUPT if the database is behind what this process saw
   * committed (acknowledged entries lost, e.g. a failover to a stale replica).
   */
  private async catchUp(initial: boolean): Promise<boolean> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw storeError(e, 'catching up with the log');
    }
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows } = await client.query<{ size: string; body: string }>('SELECT size, body FROM anxin_head');
      const size = Number(rows[0].size);
      if (!initial && size === this.size) {
        await client.query('COMMIT');
        return false;
      }
      if (size < this.size)
        throw new LedgerError(
          'LEDGER_CORRUPT',
          `the database's log (size ${size}) is behind what this process saw committed (size ${this.size}): acknowledged entries are missing`,
        );
      const since = initial ? 0 : this.size;
      const page = initial ? LOAD_PAGE : PAGE * 10;
      for (let after = ''; ;) {
        const res = await client.query<{ key: string; value: string | null }>(
          `SELECT key, value FROM anxin_state WHERE size > $1 AND key > $2 ORDER BY key LIMIT ${page}`,
          [since, after],
        );
        for (const r of res.rows) {
          if (r.value === null) this.stateMap.delete(r.key);
          else this.stateMap.set(r.key, r.value);
        }
        if (res.rows.length < page) break;
        after = res.rows[res.rows.length - 1].key;
      }
      for (let from = since; from < size; from += page) {
        const res = await client.query<{ actor: string; id: string; idx: string }>(
          'SELECT actor, id, idx FROM anxin_events WHERE idx >= $1 AND idx < $2',
          [from, Math.min(size, from + page)],
        );
        for (const r of res.rows) this.eventMap.set(r.actor + '\n' + r.id, Number(r.idx));
      }
      await client.query('COMMIT');
      this.headText = size === 0 ? undefined : rows[0].body;
      this.size = size;
      return true;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw storeError(e, 'catching up with the log');
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.loop?.catch(() => undefined);
    const lock = this.lockClient;
    this.loseLease();
    await lock?.end().catch(() => undefined);
    await this.reader.close();
    await this.pool.end().catch(() => undefined);
  }
}
