/**
 * The access log: who read what, when, and what they were answered
 * (docs/OPERATIONS.md "Access log"). Every signed request is recorded once its
 * answer is sent (pipeline.ts), with the status and the latency. The records live in
 * their own LevelDB beside the ledger (`$ANXIN_DATA/access-log/`), never on the
 * public ledger: they are personal data about regulators' and holders' reads, and
 * the ledger is append-only and public forever. Regulators list them with
 * `GET /v1/regulator/access-log`.
 *
 * Writes are batched per tick and not fsynced: a crash may lose the last few
 * milliseconds of records, never a ledger entry.
 */
import { ClassicLevel } from 'classic-level';

export interface AccessRecord {
  /** Server time of the answer (RFC 3339). */
  at: string;
  /**
   * The authenticated caller (actor id or card:<id>) and its role; for a signature that
   * did not verify, the keyid the request claimed (cut at 128 characters) and no role.
   */
  actor: string;
  role?: string;
  method: string;
  /** Path and query as requested (cut at 1024 characters). */
  path: string;
  /** HTTP status answered; absent when the client went away before the answer was sent. */
  status?: number;
  /** Milliseconds from the request's arrival to the end of its answer (or to the client leaving). */
  ms?: number;
}

export interface AccessPage {
  records: Array<AccessRecord & { id: string }>;
  /** Cursor of the next (older) page, or null. */
  next: string | null;
}

const MAX_PATH = 1024;
/** Record ids: 16 hex digits of milliseconds, 8 of a sequence number: time order is key order. */
export const ACCESS_ID = /^[0-9a-f]{24}$/;

export class AccessLog {
  private queue: Array<{ type: 'put'; key: string; value: string }> = [];
  private flushing: Promise<void> | undefined;
  private seq = 0;

  private constructor(private readonly db: ClassicLevel<string, string>) {}

  /** Opens (creating if missing) the access log in `path`. */
  static async open(path: string): Promise<AccessLog> {
    const db = new ClassicLevel<string, string>(path, { keyEncoding: 'utf8', valueEncoding: 'utf8', createIfMissing: true });
    await db.open();
    return new AccessLog(db);
  }

  /** Queues one record; it is written with the others of the same tick. */
  record(r: AccessRecord): void {
    const ms = Date.parse(r.at);
    const key = Math.max(0, ms).toString(16).padStart(16, '0') + (this.seq++ % 2 ** 32).toString(16).padStart(8, '0');
    this.queue.push({ type: 'put', key, value: JSON.stringify({ ...r, path: r.path.slice(0, MAX_PATH) }) });
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const ops = this.queue;
      this.queue = [];
      try {
        await this.db.batch(ops);
      } catch (e) {
        console.error(`anxin: ${ops.length} access-log records could not be written: ${(e as Error).message}`);
      }
    }
    this.flushing = undefined;
  }

  /** Records newest first, `limit` at most, older than the cursor `before` when given. */
  async list(options: { before?: string; limit: number }): Promise<AccessPage> {
    await this.flushing;
    const records: AccessPage['records'] = [];
    for await (const [key, value] of this.db.iterator({
      reverse: true,
      limit: options.limit + 1,
      ...(options.before ? { lt: options.before } : {}),
    }))
      records.push({ id: key, ...(JSON.parse(value) as AccessRecord) });
    const more = records.length > options.limit;
    if (more) records.pop();
    return { records, next: more ? records[records.length - 1].id : null };
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.db.close();
  }
}
