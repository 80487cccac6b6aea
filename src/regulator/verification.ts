/**
 * Server-side verification for regulators (SPEC §8 /v1/regulator/verify, §9).
 *
 * One LogVerifier lives as long as the service: each call verifies only what was
 * appended since the last verified checkpoint, against the domain replay state
 * it has built up. `full` starts a fresh verifier from genesis in the
 * background; when it finishes it becomes the incremental one. Runs never hold
 * the ledger: they read LevelDB through async iterators, so appends interleave.
 * Duplicate (actor, id) detection uses the ledger's own index, so memory grows
 * with domain state (entities), not with the number of entries.
 *
 * The replay state is kept in memory: after a restart the first call verifies
 * from genesis (and answers 202 with a job if that takes more than a moment).
 */
import { iterateCheckpoints, iterateEntryTexts, iterateNodes } from '../../ledger/store.js';
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
  checked: number;
  size: number;
  report?: VerificationReport;
  error?: string;
  done: Promise<VerificationReport>;
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return { malformed: true };
  }
};

export class VerificationService {
  private current: LogVerifier | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly jobs = new Map<string, VerifyJob>();

  constructor(
    private readonly ledger: Ledger,
    private readonly catalogue: Catalogue,
    private readonly options: { maxSkewS: number; now: () => number },
  ) {}

  private newVerifier(onProgress: (n: number) => void): LogVerifier {
    return new LogVerifier({
      origin: this.ledger.origin,
      operatorKey: this.ledger.operatorKey,
      hook: domainReplay(this.catalogue, { maxSkewS: this.options.maxSkewS }),
      dedup: (actor, id, index) => this.ledger.findEvent(actor, id) === index,
      onProgress,
    });
  }

  /** Verifies up to the latest checkpoint: incrementally, or from genesis when `full` (or the first time). */
  start(full: boolean): VerifyJob {
    const job: VerifyJob = { id: ulid(this.options.now()), state: 'running', full, checked: 0, size: 0, done: undefined as never };
    const run = async (): Promise<VerificationReport> => {
      const fromGenesis = full || !this.current;
      const verifier = fromGenesis ? this.newVerifier((n) => (job.checked = n)) : this.current!;
      const from = verifier.size;
      job.size = from;
      const cp = this.ledger.checkpoint;
      const db = this.ledger.database;
      const entries = (async function* () {
        for await (const { text } of iterateEntryTexts(db, from, cp.size)) {
          job.checked++;
          job.size++;
          yield parse(text);
        }
      })();
      const report = await verifier.run(
        { entries, checkpoints: iterateCheckpoints(db, from + 1, cp.size + 1), nodes: iterateNodes(db, from, cp.size) },
        { final: false },
      );
      if (fromGenesis) this.current = verifier;
      return {
        ...report,
        checkpoint: { size: cp.size, root: cp.root },
        full: fromGenesis,
        finishedAt: new Date(this.options.now()).toISOString(),
      };
    };
    // One run at a time: a verifier's state only moves forward.
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
