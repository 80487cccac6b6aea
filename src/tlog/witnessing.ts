/**
 * Witness cosigning (SPEC §12, c2sp.org/tlog-witness) from a tlog-policy file
 * (ANXIN_WITNESS_POLICY). The service submits its newest checkpoint to every
 * witness of the policy with add-checkpoint:
 *
 * - at most one request in flight per witness, always the newest checkpoint
 *   (checkpoints signed meanwhile are coalesced into the next request);
 * - a consistency proof from the size that witness last cosigned; on 409 it
 *   resends at once from the size in the text/x.tlog.size body (a witness that
 *   lost its state is caught up this way); on any other failure it retries
 *   with exponential backoff;
 * - it runs beside the append path and never blocks it: it only reads the
 *   ledger's latest checkpoint and proofs.
 *
 * Cosignatures are verified against the policy's witness keys; the newest
 * checkpoint whose cosignatures meet the quorum is what GET /tlog/checkpoint
 * serves. After a witness cosigns a checkpoint, its cosignature of the subject
 * note at that size is fetched from GET <witness>/<hex SHA-256 of origin>/subjects
 * (anxin's replaying witness serves it; other witnesses answer 404 and are
 * skipped); the newest size at which both the checkpoint and the subject note
 * meet the quorum is where views are proved (SPEC §12, `view()`). The
 * witnesses' lag (entries behind the log) is a prom-client gauge on the default
 * registry (exported by /metrics).
 */
import { readFileSync } from 'node:fs';
import client from 'prom-client';
import {
  formatAddCheckpoint,
  formatNote,
  fromHex,
  nodeSuite,
  parseCheckpointNote,
  parsePolicy,
  parseSignatureLine,
  PolicyError,
  quorumMet,
  SIZE_CONTENT_TYPE,
  verifyCosignature,
  formatSubjectText,
  parseNote,
  sha256,
  toHex,
  utf8,
  type Checkpoint,
  type SubjectMap,
  type ViewPoint,
  type Policy,
  type PolicyWitness,
} from '../../ledger/index.js';
import type { Cosigned, Witnessing } from './service.js';

/** What witnessing reads of the ledger. */
export interface WitnessedLedger {
  readonly origin: string;
  readonly operatorKey: string;
  readonly checkpoint: Checkpoint;
  viewPoint(): ViewPoint;
  proveConsistency(from: number, to: number): Promise<string[]>;
}

/**
 * Reads a policy and checks that one of its `log` lines carries this service's
 * own verifier key. Throws an Error naming the file, the line or the mismatch.
 */
export const loadWitnessPolicy = (path: string, vkey: string): Policy => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`ANXIN_WITNESS_POLICY: cannot read ${path}: ${(e as Error).message}`);
  }
  let policy: Policy;
  try {
    policy = parsePolicy(nodeSuite, text);
  } catch (e) {
    if (e instanceof PolicyError) throw new Error(`ANXIN_WITNESS_POLICY ${path}: ${e.message}`);
    throw e;
  }
  if (!policy.logs.some((l) => l.key.vkey === vkey)) {
    const named = policy.logs.map((l) => l.key.vkey).join(', ') || 'no log line';
    throw new Error(`ANXIN_WITNESS_POLICY ${path}: no log line carries this service's verifier key ${vkey} (the policy has ${named})`);
  }
  for (const w of policy.witnesses)
    if (!w.url) throw new Error(`ANXIN_WITNESS_POLICY ${path}: witness ${w.name} has no submission URL; add it to its witness line`);
  return policy;
};

/** Running submitters: the lag gauge is computed from them when scraped, so it is never stale. */
const live = new Set<WitnessSubmitter>();

const lagGauge = (): client.Gauge<'witness'> =>
  (client.register.getSingleMetric('anxin_witness_lag_entries') as client.Gauge<'witness'> | undefined) ??
  new client.Gauge({
    name: 'anxin_witness_lag_entries',
    help: 'Entries between the newest signed checkpoint and the newest one each policy witness cosigned',
    labelNames: ['witness'],
    collect() {
      for (const submitter of live) for (const { witness, lag } of submitter.lags()) this.set({ witness }, lag);
    },
  });

interface WitnessState {
  w: PolicyWitness;
  /** The size this witness last cosigned, as far as we know (409 corrects it). */
  size: number;
  busy: boolean;
  failures: number;
  retryAt: number;
  lastError?: string;
}

/**
 * A checkpoint being collected: its note text, operator signature line and the cosignature
 * lines so far; the same for its subject note, and the subject map that note signs.
 */
interface Collecting {
  size: number;
  text: string;
  logLine: string;
  lines: Map<string, string>;
  checkpoint: Checkpoint;
  map: SubjectMap;
  subjectLines: Map<string, string>;
}

export interface WitnessingOptions {
  fetch?: typeof fetch;
  now?: () => number;
  /** How often to look for a new checkpoint when no submission is under way (ms; default 50: a look costs a comparison). */
  pollMs?: number;
  /** Backoff after a failure: min(base · 2^(failures−1), max) ms. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A request that takes longer fails (ms). */
  timeoutMs?: number;
  log?(line: string): void;
}

export class WitnessSubmitter implements Witnessing {
  private readonly witnesses: WitnessState[];
  private readonly collecting = new Map<number, Collecting>();
  private best: Cosigned | undefined;
  private bestView: ViewPoint | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private stopped = false;
  /** Subject cosignatures being fetched: they do not hold up the next submission. */
  private readonly fetchingSubjects = new Set<Promise<void>>();

  constructor(
    private readonly ledger: WitnessedLedger,
    private readonly policy: Policy,
    private readonly options: WitnessingOptions = {},
  ) {
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.now = options.now ?? Date.now;
    this.witnesses = policy.witnesses.map((w) => ({ w, size: 0, busy: false, failures: 0, retryAt: 0 }));
  }

  /** Entries each witness is behind the newest signed checkpoint. */
  lags(): Array<{ witness: string; lag: number }> {
    const size = this.ledger.checkpoint.size;
    return this.witnesses.map((s) => ({ witness: s.w.name, lag: Math.max(0, size - s.size) }));
  }

  /** Starts polling the ledger for new checkpoints. */
  start(): this {
    lagGauge(); // registered once per process, on prom-client's default registry
    live.add(this);
    this.timer = setInterval(() => this.kick(), this.options.pollMs ?? 50);
    this.timer.unref();
    this.kick();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    live.delete(this);
    clearInterval(this.timer);
    while (this.witnesses.some((s) => s.busy)) await new Promise((r) => setTimeout(r, 10));
    await Promise.all(this.fetchingSubjects);
  }

  cosigned(): Cosigned | undefined {
    return this.best;
  }

  view(): ViewPoint | undefined {
    return this.bestView;
  }

  /** Per witness: the size it last cosigned and the last error, for operators. */
  status(): Array<{ witness: string; size: number; failures: number; lastError?: string }> {
    return this.witnesses.map((s) => ({ witness: s.w.name, size: s.size, failures: s.failures, lastError: s.lastError }));
  }

  /** Submits the newest checkpoint to every idle witness that has not cosigned it. */
  kick(): void {
    if (this.stopped) return;
    const vp = this.ledger.viewPoint();
    const cp = vp.checkpoint;
    for (const s of this.witnesses) {
      if (s.busy || this.now() < s.retryAt || s.size === cp.size) continue;
      s.busy = true;
      void this.submit(s, vp).finally(() => {
        s.busy = false;
        // Checkpoints signed meanwhile are coalesced: the next request carries only the newest.
        if (s.failures === 0) queueMicrotask(() => this.kick());
      });
    }
  }

  private fail(s: WitnessState, reason: string): void {
    s.failures++;
    s.lastError = reason;
    const delay = Math.min((this.options.backoffMs ?? 1000) * 2 ** (s.failures - 1), this.options.maxBackoffMs ?? 60_000);
    s.retryAt = this.now() + delay;
    this.options.log?.(`witness ${s.w.name}: ${reason}; retrying in ${delay} ms`);
  }

  private async submit(s: WitnessState, vp: ViewPoint): Promise<void> {
    const cp = vp.checkpoint;
    // Up to two rounds: the second resends from the size a 409 names.
    for (let round = 0; round < 2; round++) {
      const old = s.size > cp.size ? 0 : s.size;
      let body: string;
      try {
        const proof = old > 0 && old < cp.size ? (await this.ledger.proveConsistency(old, cp.size)).map((h) => fromHex(h)!) : [];
        body = formatAddCheckpoint({ old, proof, checkpoint: cp.note });
      } catch (e) {
        return this.fail(s, `cannot prove consistency from ${old}: ${(e as Error).message}`);
      }
      let res: Response;
      let text: string;
      try {
        res = await this.fetch(new URL('add-checkpoint', s.w.url!.replace(/\/?$/, '/')), {
          method: 'POST',
          body,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          // A rule-replaying witness may take a while to catch up with a big log; it keeps its progress across retries.
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
        });
        text = await res.text();
      } catch (e) {
        return this.fail(s, `add-checkpoint failed: ${(e as Error).message}`);
      }
      if (res.status === 409) {
        const m = /^(0|[1-9][0-9]*)\n$/.exec(text);
        if (!m || !(res.headers.get('content-type') ?? '').startsWith(SIZE_CONTENT_TYPE))
          return this.fail(s, '409 without a text/x.tlog.size body');
        const size = Number(m[1]);
        if (size > cp.size)
          return this.fail(s, `the witness has cosigned size ${size}, past this log's ${cp.size}: a fork, or another log`);
        s.size = size;
        continue;
      }
      if (res.status !== 200) return this.fail(s, `add-checkpoint answered ${res.status}: ${text.slice(0, 200)}`);
      const c = this.accept(s, vp, text);
      // Asked before the next submission is sent (which first awaits its consistency proof), so the
      // witness, which answers GETs while it replays, still holds this size; the next round need not
      // wait for the answer. Should the witness have moved on, the note is simply not collected.
      if (c) {
        const fetching = this.collectSubjects(s, c)
          .catch((e) => this.options.log?.(`witness ${s.w.name}: subject cosignature: ${(e as Error).message}`))
          .finally(() => this.fetchingSubjects.delete(fetching));
        this.fetchingSubjects.add(fetching);
      }
      return;
    }
    this.fail(s, 'the witness keeps answering 409');
  }

  private accept(s: WitnessState, vp: ViewPoint, body: string): Collecting | undefined {
    const cp = vp.checkpoint;
    const parsed = parseCheckpointNote(cp.note)!;
    const mine = body
      .split('\n')
      .filter(Boolean)
      .map(parseSignatureLine)
      .find((sig) => sig && verifyCosignature(nodeSuite, parsed.note.text, sig, s.w.key));
    if (!mine) {
      this.fail(s, 'the answer holds no valid cosignature by the witness key of the policy');
      return undefined;
    }
    s.size = cp.size;
    s.failures = 0;
    s.lastError = undefined;
    let c = this.collecting.get(cp.size);
    if (!c) {
      c = {
        size: cp.size,
        text: parsed.note.text,
        logLine: parsed.note.signatures[0].line,
        lines: new Map(),
        checkpoint: cp,
        map: vp.subjects,
        subjectLines: new Map(),
      };
      this.collecting.set(cp.size, c);
      if (this.collecting.size > 64) this.collecting.delete(Math.min(...this.collecting.keys()));
    }
    c.lines.set(s.w.name, mine.line);
    this.promote(c);
    return c;
  }

  /**
   * Fetches the witness's cosignature of the subject note at `c.size` (SPEC §12). A witness
   * that does not replay the rules serves none (404): nothing is recorded, nothing fails.
   */
  private async collectSubjects(s: WitnessState, c: Collecting): Promise<void> {
    if (!c.checkpoint.subjects) return;
    const text = formatSubjectText(this.ledger.origin, c.size, fromHex(c.checkpoint.subjects.root)!);
    let note;
    try {
      const url = new URL(`${toHex(sha256(utf8(this.ledger.origin)))}/subjects`, s.w.url!.replace(/\/?$/, '/'));
      const res = await this.fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000) });
      if (res.status !== 200) return void (await res.body?.cancel());
      note = parseNote(await res.text());
    } catch (e) {
      this.options.log?.(`witness ${s.w.name}: cannot read its subject cosignature: ${(e as Error).message}`);
      return;
    }
    // Another size (the witness moved on) or another root: not a cosignature of this note.
    if (note?.text !== text) return;
    const mine = note.signatures.find((sig) => verifyCosignature(nodeSuite, text, sig, s.w.key));
    if (!mine) return;
    c.subjectLines.set(s.w.name, mine.line);
    this.promote(c);
  }

  /** Makes `c` the newest cosigned checkpoint, and the newest view point, where its quorums are met. */
  private promote(c: Collecting): void {
    if (!quorumMet(this.policy.quorum, new Set(c.lines.keys()))) return;
    const note = formatNote(c.text, [c.logLine, ...c.lines.values()]);
    if (!this.best || c.size >= this.best.size) this.best = { size: c.size, note };
    const subjects = c.checkpoint.subjects;
    if (!subjects || !quorumMet(this.policy.quorum, new Set(c.subjectLines.keys()))) return;
    if (this.bestView && c.size < this.bestView.checkpoint.size) return;
    const subjectNote = parseNote(subjects.note)!;
    this.bestView = {
      checkpoint: {
        ...c.checkpoint,
        note,
        subjects: { root: subjects.root, note: formatNote(subjectNote.text, [subjectNote.signatures[0].line, ...c.subjectLines.values()]) },
      },
      subjects: c.map,
    };
    // Older checkpoints can no longer become the newest view point.
    for (const size of this.collecting.keys()) if (size < c.size) this.collecting.delete(size);
  }
}
