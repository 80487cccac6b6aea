/**
 * Subscriptions, their delivery cursors and delivery logs, off the public
 * ledger (SPEC §15): a LevelDB of their own, next to the ledger's data
 * directory (`ANXIN_WEBHOOK_DATA`, default `<ANXIN_DATA>.webhooks`), so that
 * they survive restarts and never enter the hash chain. Keys:
 *
 *   sub!<id>                 Subscription (with its cursor)
 *   log!<id>!<seq:12 digits> Delivery (one attempt), the latest MAX_LOG kept
 */
import { ClassicLevel } from 'classic-level';
import type { Topic } from './messages.js';

export interface Cursor {
  /** The ledger index whose messages are being delivered. */
  index: number;
  /** How many of that entry's messages were delivered (2xx). */
  part: number;
}

export interface Subscription {
  id: string;
  /** The regulator or auditor that made it: only it may read or delete it. */
  owner: string;
  url: string;
  topics: Topic[];
  filter?: { types?: string[]; rules?: string[]; severity?: 'yellow' | 'red' };
  createdAt: string;
  cursor: Cursor;
  /** Attempts made so far (numbers the delivery log). */
  seq: number;
}

export interface Delivery {
  seq: number;
  topic: Topic;
  index: number;
  at: string;
  /** Which attempt at this message (1 = the first). */
  attempt: number;
  ok: boolean;
  /** HTTP status, or null when no response came. */
  status: number | null;
  error?: string;
}

/** Delivery attempts kept per subscription (older ones are dropped). */
export const MAX_LOG = 1000;

const subKey = (id: string) => `sub!${id}`;
const logKey = (id: string, seq: number) => `log!${id}!${String(seq).padStart(12, '0')}`;

export class WebhookStore {
  private constructor(private readonly db: ClassicLevel<string, string>) {}

  static async open(path: string): Promise<WebhookStore> {
    const db = new ClassicLevel<string, string>(path, { valueEncoding: 'utf8' });
    await db.open();
    return new WebhookStore(db);
  }

  async get(id: string): Promise<Subscription | undefined> {
    const text = await this.db.get(subKey(id));
    return text === undefined ? undefined : (JSON.parse(text) as Subscription);
  }

  async all(): Promise<Subscription[]> {
    const out: Subscription[] = [];
    for await (const [, v] of this.db.iterator({ gte: 'sub!', lt: 'sub"' })) out.push(JSON.parse(v) as Subscription);
    return out;
  }

  async put(sub: Subscription): Promise<void> {
    await this.db.put(subKey(sub.id), JSON.stringify(sub));
  }

  /** Records an attempt and the subscription's new state in one write; drops the attempt MAX_LOG before. */
  async record(sub: Subscription, delivery: Delivery): Promise<void> {
    const ops: Array<{ type: 'put'; key: string; value: string } | { type: 'del'; key: string }> = [
      { type: 'put', key: subKey(sub.id), value: JSON.stringify(sub) },
      { type: 'put', key: logKey(sub.id, delivery.seq), value: JSON.stringify(delivery) },
    ];
    if (delivery.seq > MAX_LOG) ops.push({ type: 'del', key: logKey(sub.id, delivery.seq - MAX_LOG) });
    await this.db.batch(ops);
  }

  /** The latest `limit` attempts, newest first. */
  async log(id: string, limit: number): Promise<Delivery[]> {
    const out: Delivery[] = [];
    for await (const [, v] of this.db.iterator({ gte: `log!${id}!`, lt: `log!${id}"`, reverse: true, limit }))
      out.push(JSON.parse(v) as Delivery);
    return out;
  }

  /** Deletes a subscription and its log. */
  async delete(id: string): Promise<void> {
    await this.db.del(subKey(id));
    await this.db.clear({ gte: `log!${id}!`, lt: `log!${id}"` });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
