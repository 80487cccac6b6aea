/**
 * Ed25519 verification on worker threads, so a verifier uses every core.
 * The worker is a few lines of plain JavaScript evaluated from a string: it runs
 * the same whether the caller is compiled TypeScript, ts-jest or a script.
 * Jobs are packed into transferable buffers in batches to keep messaging cheap.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const keys = new Map();
const keyOf = (raw) => {
  const id = raw.toString('base64');
  let k = keys.get(id);
  if (k === undefined) {
    try { k = createPublicKey({ key: Buffer.concat([SPKI, raw]), format: 'der', type: 'spki' }); } catch { k = null; }
    if (keys.size > 4096) keys.clear();
    keys.set(id, k);
  }
  return k;
};
parentPort.on('message', ({ id, pubs, sigs, msgs, ends }) => {
  const n = ends.length;
  const ok = new Uint8Array(n);
  const P = Buffer.from(pubs.buffer, pubs.byteOffset, pubs.byteLength);
  const S = Buffer.from(sigs.buffer, sigs.byteOffset, sigs.byteLength);
  const M = Buffer.from(msgs.buffer, msgs.byteOffset, msgs.byteLength);
  let start = 0;
  for (let i = 0; i < n; i++) {
    const key = keyOf(P.subarray(i * 32, i * 32 + 32));
    try { ok[i] = key && verify(null, M.subarray(start, ends[i]), key, S.subarray(i * 64, i * 64 + 64)) ? 1 : 0; } catch { ok[i] = 0; }
    start = ends[i];
  }
  parentPort.postMessage({ id, ok }, [ok.buffer]);
});
`;

export interface SigJob<T> {
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
  /** Returned with the verdict. */
  tag: T;
}

const BATCH = 256;
const MAX_IN_FLIGHT_PER_WORKER = 4;

/** A pool of verifier threads. Submit jobs, then `drain()` for the ones that failed. */
export class SigPool<T> {
  private readonly workers: Worker[];
  private batch: SigJob<T>[] = [];
  private readonly pending = new Map<number, { jobs: SigJob<T>[]; worker: number }>();
  private readonly busy: number[];
  private readonly failed: T[] = [];
  private nextId = 0;
  private waiters: Array<() => void> = [];
  private error: Error | undefined;

  constructor(threads = availableParallelism()) {
    this.workers = Array.from({ length: Math.max(1, threads) }, () => new Worker(WORKER_SOURCE, { eval: true }));
    this.busy = this.workers.map(() => 0);
    this.workers.forEach((w, wi) => {
      w.on('message', ({ id, ok }: { id: number; ok: Uint8Array }) => {
        const p = this.pending.get(id)!;
        this.pending.delete(id);
        this.busy[wi]--;
        p.jobs.forEach((job, i) => ok[i] || this.failed.push(job.tag));
        this.wake();
      });
      w.on('error', (e) => {
        this.error = e;
        this.wake();
      });
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  /** Queues a check; resolves at once unless every worker is saturated (backpressure). */
  async submit(job: SigJob<T>): Promise<void> {
    if (job.publicKey.length !== 32 || job.signature.length !== 64) {
      this.failed.push(job.tag);
      return;
    }
    this.batch.push(job);
    if (this.batch.length >= BATCH) await this.send();
  }

  private async send(): Promise<void> {
    const jobs = this.batch;
    this.batch = [];
    if (!jobs.length) return;
    for (;;) {
      if (this.error) throw this.error;
      const wi = this.busy.indexOf(Math.min(...this.busy));
      if (this.busy[wi] < MAX_IN_FLIGHT_PER_WORKER) {
        const n = jobs.length;
        const pubs = new Uint8Array(n * 32);
        const sigs = new Uint8Array(n * 64);
        const ends = new Uint32Array(n);
        let total = 0;
        jobs.forEach((j, i) => (ends[i] = total += j.message.length));
        const msgs = new Uint8Array(total);
        jobs.forEach((j, i) => {
          pubs.set(j.publicKey, i * 32);
          sigs.set(j.signature, i * 64);
          msgs.set(j.message, i ? ends[i - 1] : 0);
        });
        const id = this.nextId++;
        this.pending.set(id, { jobs, worker: wi });
        this.busy[wi]++;
        this.workers[wi].postMessage({ id, pubs, sigs, msgs, ends }, [pubs.buffer, sigs.buffer, msgs.buffer, ends.buffer]);
        return;
      }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Waits for every submitted job; returns the tags of those that did not verify. */
  async drain(): Promise<T[]> {
    await this.send();
    while (this.pending.size) {
      if (this.error) throw this.error;
      await new Promise<void>((r) => this.waiters.push(r));
    }
    return this.failed.splice(0);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
