/**
 * Ed25519 verification on worker threads, so verification uses every core.
 * The worker is a few lines of plain JavaScript, an ES module loaded from a
 * data: URL: it runs the same whether the caller is compiled TypeScript,
 * ts-jest or a script, whatever flags node was started with (an eval'd string
 * would follow --input-type; execArgv passed explicitly refuses process-wide
 * flags such as --max-semi-space-size).
 * Jobs submitted in the same tick travel together in one message of packed,
 * transferable buffers, to keep messaging cheap.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

const WORKER_SOURCE = `
import { parentPort, workerData } from 'node:worker_threads';
import { setPriority } from 'node:os';
import { createPublicKey, verify } from 'node:crypto';
// Linux: the nice value is per thread, and 0 names the calling thread: only this worker is lowered.
if (workerData && workerData.nice) { try { setPriority(0, workerData.nice); } catch {} }
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

const WORKER_URL = new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`);

interface Job {
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
  resolve(ok: boolean): void;
  reject(e: Error): void;
}

/** A batch of jobs on one worker. */
interface Sent {
  jobs: Job[];
  worker: number;
  /** Workers that died holding this batch. */
  crashes: number;
}

const BATCH = 256;
/** The fewest checks a message to a worker carries when more are queued (see send). */
const MIN_SHARE = 16;
/** A batch that has killed this many workers is answered with an error instead of being sent again. */
const MAX_CRASHES = 3;

/** Thrown (as a rejection) by `verify` when the backlog is full: the caller should shed load (503 + Retry-After). */
export class SigPoolBusy extends Error {
  constructor(readonly backlog: number) {
    super(`the signature backlog is full (${backlog} checks waiting)`);
    this.name = 'SigPoolBusy';
  }
}

export interface SigPoolOptions {
  /** Most checks waiting or running at once; `verify` rejects with SigPoolBusy beyond it. Default: unbounded (bulk verifiers use `below`). */
  maxBacklog?: number;
  /**
   * Nice value of the worker threads (0–19; default 0). Above 0, the main thread,
   * which runs every request's serial part, is not preempted by checks when the
   * cores are short; checks still get every core the main thread leaves idle.
   */
  nice?: number;
}

export class SigPool {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private batch: Job[] = [];
  private scheduled = false;
  private readonly inFlight = new Map<number, Sent>();
  private nextId = 0;
  private outstandingJobs = 0;
  private waiters: Array<() => void> = [];
  private closing = false;
  private readonly maxBacklog: number;
  private readonly nice: number;
  /** Workers replaced after they died (for metrics and tests). */
  restarts = 0;

  constructor(threads = availableParallelism(), options: SigPoolOptions = {}) {
    this.maxBacklog = options.maxBacklog ?? Infinity;
    this.nice = options.nice ?? 0;
    for (let wi = 0; wi < Math.max(1, threads); wi++) this.start(wi);
  }

  /** Starts (or restarts) worker `wi`. A worker that dies is replaced and its batches are sent again. */
  private start(wi: number): void {
    const w = new Worker(WORKER_URL, { workerData: { nice: this.nice } });
    this.workers[wi] = w;
    this.load[wi] = 0;
    w.on('message', ({ id, ok }: { id: number; ok: Uint8Array }) => {
      const sent = this.inFlight.get(id);
      if (!sent) return;
      this.inFlight.delete(id);
      if ((this.load[wi] -= sent.jobs.length) === 0) w.unref();
      this.outstandingJobs -= sent.jobs.length;
      sent.jobs.forEach((job, i) => job.resolve(ok[i] === 1));
      this.wake();
    });
    w.on('error', () => undefined); // 'exit' follows and does the work
    w.on('exit', () => {
      if (this.closing || this.workers[wi] !== w) return;
      this.restarts++;
      this.start(wi);
      for (const [id, sent] of [...this.inFlight]) {
        if (sent.worker !== wi) continue;
        this.inFlight.delete(id);
        if (++sent.crashes >= MAX_CRASHES) {
          this.outstandingJobs -= sent.jobs.length;
          const e = new Error(`a batch of ${sent.jobs.length} signature checks killed ${MAX_CRASHES} workers`);
          sent.jobs.forEach((job) => job.reject(e));
        } else this.dispatch(sent.jobs, sent.crashes);
      }
      this.wake();
    });
    // A worker holds the process open only while it has checks to answer (after the listeners: adding one refs it).
    w.unref();
  }

  /** Jobs submitted and not yet answered. */
  get outstanding(): number {
    return this.outstandingJobs;
  }

  /**
   * Verifies one signature. Never rejects for bad input: wrong lengths are simply
   * false. Rejects with SigPoolBusy when `maxBacklog` checks are already waiting.
   */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
    if (this.closing) return Promise.reject(new Error('the signature pool is closed'));
    if (publicKey.length !== 32 || signature.length !== 64) return Promise.resolve(false);
    if (this.outstandingJobs >= this.maxBacklog) return Promise.reject(new SigPoolBusy(this.outstandingJobs));
    return new Promise((resolve, reject) => {
      this.batch.push({ publicKey, message, signature, resolve, reject });
      this.outstandingJobs++;
      if (this.batch.length >= BATCH) this.send();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.send());
      }
    });
  }

  /** Resolves once no more than `limit` jobs are outstanding (backpressure for bulk callers). */
  async below(limit: number): Promise<void> {
    while (this.outstandingJobs > limit) {
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  /**
   * Splits what is queued evenly over the workers, so no core waits while another
   * has a backlog; but a share is never smaller than MIN_SHARE checks, because each
   * message costs the main thread its serialisation and wakes a worker, which on a
   * machine with few cores may take the main thread's core (a handful of single POSTs arriving in one tick go to one worker, the next
   * tick's to the next: dispatch picks the least loaded).
   */
  private send(): void {
    this.scheduled = false;
    const jobs = this.batch;
    this.batch = [];
    const per = Math.max(Math.ceil(jobs.length / this.workers.length), MIN_SHARE);
    for (let i = 0; i < jobs.length; i += per) this.dispatch(jobs.slice(i, i + per));
  }

  /** One message with one transferred buffer: [ends: n × u32][keys: n × 32][signatures: n × 64][messages]. */
  private dispatch(jobs: Job[], crashes = 0): void {
    const wi = this.load.indexOf(Math.min(...this.load));
    const n = jobs.length;
    let total = 0;
    for (const j of jobs) total += j.message.length;
    const buffer = new ArrayBuffer(n * (4 + 32 + 64) + total);
    const ends = new Uint32Array(buffer, 0, n);
    const pubs = new Uint8Array(buffer, n * 4, n * 32);
    const sigs = new Uint8Array(buffer, n * 36, n * 64);
    const msgs = new Uint8Array(buffer, n * 100, total);
    let at = 0;
    jobs.forEach((j, i) => {
      pubs.set(j.publicKey, i * 32);
      sigs.set(j.signature, i * 64);
      msgs.set(j.message, at);
      ends[i] = at += j.message.length;
    });
    const id = this.nextId++;
    this.inFlight.set(id, { jobs, worker: wi, crashes });
    if (this.load[wi] === 0) this.workers[wi].ref();
    this.load[wi] += n;
    this.workers[wi].postMessage({ id, pubs, sigs, msgs, ends }, [buffer]);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
