/**
 * Webhook delivery (SPEC §15): each subscription has one worker that walks the
 * ledger from its cursor, sends each entry's messages (messages.ts) in order,
 * and moves the cursor only past a 2xx — so delivery is at least once and in
 * order per subscription. A failure (no answer, a non-2xx, a redirect, a
 * target the allow list refuses) is retried with exponential backoff, forever;
 * every attempt goes into the subscription's delivery log. Cursors persist
 * (store.ts), so a restart resumes where delivery stopped. The ledger is read
 * by index, never scanned per message; a worker with nothing to send waits for
 * the ledger to grow (polled, and woken by `notify`).
 */
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { nodeSuite, type Entry, type StateView } from '../../ledger/index.js';
import { resolveTarget, systemResolver, type AllowList, type Resolver } from './allow.js';
import { messagesFor, type Message } from './messages.js';
import { signDelivery } from './signature.js';
import type { Delivery, Subscription, WebhookStore } from './store.js';

export interface LedgerSource extends Pick<StateView, 'get'> {
  readonly size: number;
  readonly origin: string;
  entry(index: number): Entry | undefined;
}

export interface DispatcherOptions {
  store: WebhookStore;
  ledger: LedgerSource;
  /** The operator's signing seed: deliveries are signed by the operator key, keyid = the origin. */
  operatorSeed: Uint8Array;
  allow: AllowList;
  now?: () => number;
  resolve?: Resolver;
  /** First retry delay and the cap (ms). */
  backoffMs?: { base: number; max: number };
  /** How often an idle worker looks at the ledger size (ms). */
  pollMs?: number;
  /** Per-attempt timeout (ms). */
  timeoutMs?: number;
}

/** Bytes of a delivery response read at most (the body is ignored). */
const MAX_RESPONSE = 64 * 1024;

interface Outcome {
  ok: boolean;
  status: number | null;
  error?: string;
}

export class Dispatcher {
  private readonly workers = new Map<string, { stop: boolean; wake: () => void; done: Promise<void> }>();
  private closed = false;
  private readonly now: () => number;
  private readonly backoff: { base: number; max: number };
  private readonly pollMs: number;
  private readonly timeoutMs: number;
  private readonly resolve: Resolver;

  constructor(private readonly o: DispatcherOptions) {
    this.now = o.now ?? Date.now;
    this.backoff = o.backoffMs ?? { base: 1_000, max: 300_000 };
    this.pollMs = o.pollMs ?? 500;
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.resolve = o.resolve ?? systemResolver;
  }

  /** Starts a worker for every stored subscription. */
  async start(): Promise<void> {
    for (const sub of await this.o.store.all()) this.run(sub.id);
  }

  /** Starts delivering a (new) subscription. */
  run(id: string): void {
    if (this.closed || this.workers.has(id)) return;
    const w = { stop: false, wake: () => undefined as void, done: Promise.resolve() };
    this.workers.set(id, w);
    w.done = this.loop(id, w).finally(() => this.workers.delete(id));
  }

  /** Stops a subscription's worker (before deleting it); resolves when it has stopped. */
  async stop(id: string): Promise<void> {
    const w = this.workers.get(id);
    if (!w) return;
    w.stop = true;
    w.wake();
    await w.done;
  }

  /** Wakes idle workers: the ledger grew. */
  notify(): void {
    for (const w of this.workers.values()) w.wake();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers.keys()].map((id) => this.stop(id)));
  }

  private sleep(w: { stop: boolean; wake: () => void }, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      w.wake = done;
    });
  }

  private async loop(id: string, w: { stop: boolean; wake: () => void }): Promise<void> {
    let sub = await this.o.store.get(id);
    let failures = 0;
    while (sub && !w.stop) {
      const { ledger } = this.o;
      if (sub.cursor.index >= ledger.size) {
        await this.sleep(w, this.pollMs);
        continue;
      }
      const entry = ledger.entry(sub.cursor.index);
      if (!entry) {
        await this.sleep(w, this.pollMs);
        continue;
      }
      const messages = messagesFor(ledger, entry, sub);
      if (sub.cursor.part >= messages.length) {
        // Nothing (more) for this entry: move on; persisted with the next delivery, or every 256 entries.
        sub.cursor = { index: sub.cursor.index + 1, part: 0 };
        if (sub.cursor.index % 256 === 0) await this.o.store.put(sub);
        continue;
      }
      const message = messages[sub.cursor.part];
      const outcome = await this.deliver(sub, message);
      if (w.stop) {
        // Deleted or closing: keep the cursor it had (a stopped delivery may be sent again: at least once).
        if (outcome.ok) await this.saveAttempt(sub, message, outcome, failures + 1, true);
        break;
      }
      await this.saveAttempt(sub, message, outcome, failures + 1, outcome.ok);
      if (outcome.ok) failures = 0;
      else {
        failures++;
        await this.sleep(w, Math.min(this.backoff.max, this.backoff.base * 2 ** Math.min(failures - 1, 30)));
      }
      sub = (await this.o.store.get(id)) && sub;
    }
    // Keeps the cursor past entries with nothing to send (unless the subscription was deleted meanwhile).
    if (sub && (await this.o.store.get(id))) await this.o.store.put(sub);
  }

  private async saveAttempt(sub: Subscription, message: Message, outcome: Outcome, attempt: number, advance: boolean): Promise<void> {
    sub.seq++;
    if (advance) sub.cursor = { index: sub.cursor.index, part: sub.cursor.part + 1 };
    const delivery: Delivery = {
      seq: sub.seq,
      topic: message.topic,
      index: message.index,
      at: new Date(this.now()).toISOString(),
      attempt,
      ok: outcome.ok,
      status: outcome.status,
      ...(outcome.error !== undefined && { error: outcome.error }),
    };
    if (await this.o.store.get(sub.id)) await this.o.store.record(sub, delivery);
  }

  /** One attempt: resolve and check the target, POST the signed message, read the status. */
  private async deliver(sub: Subscription, message: Message): Promise<Outcome> {
    const url = new URL(sub.url);
    const target = await resolveTarget(this.o.allow, url, this.resolve);
    if (typeof target === 'string') return { ok: false, status: null, error: target };
    const body = JSON.stringify(message);
    const created = Math.floor(this.now() / 1000);
    const headers = signDelivery(nodeSuite, this.o.ledger.origin, this.o.operatorSeed, sub.url, body, created);
    // Connect to the address just checked, whatever a second DNS answer would say.
    const lookup: LookupFunction = (_host, options, cb) => {
      if ((options as { all?: boolean }).all)
        (cb as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [target]);
      else cb(null, target.address, target.family);
    };
    const options: RequestOptions = {
      method: 'POST',
      lookup,
      timeout: this.timeoutMs,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'user-agent': 'anxin-webhooks/1',
        ...headers,
      },
    };
    return new Promise<Outcome>((resolve) => {
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE) res.destroy();
        });
        const finish = () =>
          resolve(
            status >= 200 && status < 300
              ? { ok: true, status }
              : { ok: false, status, ...(status >= 300 && status < 400 && { error: 'redirect refused' }) },
          );
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e) => resolve({ ok: false, status: null, error: e.message.slice(0, 200) }));
      req.end(body);
    });
  }
}
