/**
 * Server-side verification for regulators (SPEC §8 /v1/regulator/verify, §9).
 *
 * One LogVerifier lives as long as the service: each call verifies only what was
 * appended since the last verified checkpoint, against the domain replay state
 * it has built up. `full` starts a fresh verifier from genesis in the
 * background; when it finishes it becomes the incremental one. Runs never hold
 * the ledger: `ledger.verifyWith` streams the store, so appends interleave.
 * Duplicate (actor, id) detection uses the ledger's own index, so memory grows
 * with domain state (entities), not with the number of entries.
 *
 * The replay state is kept in memory: after a restart the first call verifies
 * from genesis (and answers 202 with a job if that takes more than a moment).
 *
 * Runs are queued one at a time (a verifier's state only moves forward). A
 * request that finds a job of the same kind queued and not yet started joins it:
 * that job will verify up to the checkpoint current when it starts, which covers
 * the request too, so repeated requests cannot pile up full runs.
 */
import { LogVerifier, type Ledger, type VerifyReport } from '../../ledger/index.js';
import type { Catalogue } from '../domain/catalogue.js';
import { domainReplay } from '../domain/replay.js';
import { ulid } from '../client/ids.js';

export interface VerificationReport extends VerifyReport {
  /** The signed checkpoint this report verifies up to. */
  checkpoint: { size: number; root: string };
  /** Whether this run started from genesis. */
  full: boolean;
  finishedAt: string;
}

export interface VerifyJob {
  id: string;
  state: 'running' | 'done';
  full: boolean;
  /** Entries this run has checked so far. */
  checked: number;
  /** The log size this run verifies up to: the latest checkpoint's when it started (before: when it was queued). */
  size: number;
  report?: VerificationReport;
  error?: string;
  done: Promise<VerificationReport>;
}

export interface VerificationOptions {
  maxSkewS: number;
  now: () => number;
  /**
   * Awaited before each entry is read, when given: lets a caller pace a run
   * (tests hold one mid-way with it to append while it runs). None by default.
   */
  pace?: () => Promise<void> | void;
}

export class VerificationService {
  private current: LogVerifier | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly jobs = new Map<string, VerifyJob>();
  /** Queued jobs that have not started, by kind (full or incremental). */
  private readonly pending = new Map<boolean, VerifyJob>();

  constructor(
    private readonly ledger: Ledger,
    private readonly catalogue: Catalogue,
    private readonly options: VerificationOptions,
  ) {}

  private newVerifier(): LogVerifier {
    return new LogVerifier({
      origin: this.ledger.origin,
      operatorKey: this.ledger.operatorKey,
      hook: domainReplay(this.catalogue, { maxSkewS: this.options.maxSkewS }),
      dedup: (actor, id, index) => this.ledger.findEvent(actor, id) === index,
    });
  }

  /**
   * Verifies up to the latest checkpoint: incrementally, or from genesis when
   * `full` (or the first time). Joins a queued job of the same kind if there is one.
   */
  start(full: boolean): VerifyJob {
    const queued = this.pending.get(full);
    if (queued) return queued;
    const job: VerifyJob = {
      id: ulid(this.options.now()),
      state: 'running',
      full,
      checked: 0,
      size: this.ledger.checkpoint.size,
      done: undefined as never,
    };
    const { pace } = this.options;
    const run = async (): Promise<VerificationReport> => {
      this.pending.delete(full);
      const fromGenesis = full || !this.current;
      const verifier = fromGenesis ? this.newVerifier() : this.current!;
      const cp = this.ledger.checkpoint;
      job.size = cp.size;
      let report: VerifyReport;
      try {
        report = await this.ledger.verifyWith(verifier, { to: cp.size, pace, onEntry: () => void job.checked++ });
      } catch (e) {
        // A run cut short leaves the verifier's state half advanced: start over next time.
        if (verifier === this.current) this.current = undefined;
        throw e;
      }
      if (fromGenesis) this.current = verifier;
      return {
        ...report,
        checkpoint: { size: cp.size, root: cp.root },
        full: fromGenesis,
        finishedAt: new Date(this.options.now()).toISOString(),
      };
    };
    // One run at a time: a verifier's state only moves forward.
    this.pending.set(full, job);
    job.done = this.queue.then(run);
    this.queue = job.done.catch(() => undefined);
    job.done.then(
      (report) => Object.assign(job, { state: 'done', report, checked: report.checked, size: report.size }),
      (e) => Object.assign(job, { state: 'done', error: (e as Error).message }),
    );
    this.jobs.set(job.id, job);
    for (const id of [...this.jobs.keys()].slice(0, Math.max(0, this.jobs.size - 20))) this.jobs.delete(id);
    return job;
  }

  job(id: string): VerifyJob | undefined {
    return this.jobs.get(id);
  }
}
