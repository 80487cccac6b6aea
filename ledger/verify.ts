/**
 * The verifier (SPEC §9): given the entries of a log in order, the origin and the
 * operator key pinned out of band, it recomputes every leaf and chain hash and the
 * Merkle tree, checks every checkpoint (signature, root and head at its size — so
 * checkpoints that verify are consistent with each other), every event signature
 * against the key in force at that index, and hands each entry to a replay hook
 * for the domain's permissions and rules.
 *
 * It never stops at the first problem: it reports every fault it finds (up to a
 * limit), sorted by index, so `errors[0]` is the first bad index. Signatures are
 * checked on worker threads while the main thread hashes and replays.
 *
 * A LogVerifier keeps its state between runs, so a caller that verified the log
 * up to size n can later verify only what was appended since (incremental
 * verification); `verifyLog` is the one-shot form.
 */
import { availableParallelism } from 'node:os';
import { bytesEqual, fromBase64Url, fromHex, toHex } from './encoding.js';
import { checkEntry, entryLeaf, ZERO_HASH, type Entry } from './entry.js';
import { canonicalEnvelope, signingInput } from './event.js';
import { verifyCheckpoint, type Checkpoint } from './checkpoint.js';
import { GENESIS_TYPE, OPERATOR_ACTOR, type GenesisBody } from './genesis.js';
import { Frontier, type NodeId } from './merkle.js';
import { SigPool } from './sigpool.js';
import { SubjectTree, verifySubjectNote } from './subjects.js';
import { nodeSuite as suite } from './suite-node.js';

export interface Fault {
  code: string;
  detail: string;
}

export interface VerifyError extends Fault {
  index: number;
}

export interface VerifyReport {
  ok: boolean;
  /** Entries in the log examined (by this run and earlier ones of the same verifier). */
  size: number;
  /** Merkle root and chain head recomputed over those entries (hex). */
  root: string;
  head: string;
  /** Entries checked by this run. */
  checked: number;
  errors: VerifyError[];
}

/** What a replay hook may ask for while it replays an entry. */
export interface ReplayContext {
  /** The signing input of the entry's event. */
  readonly message: Uint8Array;
  /** Queues an Ed25519 check (base64url key and signature); a failure is reported at this entry. */
  requireSignature(publicKey: string, signature: string, fault: Fault): void;
  /** Declares that the entry concerns `subject` (SPEC §12): the verifier moves that subject's head. */
  concern(subject: string): void;
}

/**
 * Where the domain plugs in: `replay` is called for every entry in order. From
 * entry 1 on it owns signature checks (it knows who holds which key, card
 * holders included) as well as permissions and rules; the genesis entry's
 * signature is always checked against the pinned operator key.
 * Without a hook the built-in directory of genesis, actor.register and
 * actor.rotateKey decides which key must have signed each event.
 */
export interface ReplayHook {
  replay(entry: Entry, ctx: ReplayContext): Fault | undefined;
}

/** Detects a repeated (actor, id). Default: a set in memory; a live ledger can use its own index instead. */
export type DedupCheck = (actor: string, id: string, index: number) => boolean;

export interface VerifierOptions {
  origin: string;
  /** Operator public key, base64url. */
  operatorKey: string;
  hook?: ReplayHook;
  /** Returns false when (actor, id) was seen before `index`. */
  dedup?: DedupCheck;
  /**
   * Signature threads. Default: one per core, but one fewer with a replay hook, whose
   * replay keeps the main thread about as busy as the checks keep a worker: a worker per
   * core would take turns with it on its core and slow the whole run.
   */
  threads?: number;
  /** A signature pool to use (and leave open) instead of one started and closed by each run: a caller that verifies often keeps its workers. */
  pool?: SigPool;
  /** Stop recording after this many errors (default 100). */
  maxErrors?: number;
  onProgress?(size: number): void;
}

export interface VerifyInput {
  /** Entries from index `verifier.size` on, in order. */
  entries: AsyncIterable<unknown> | Iterable<unknown>;
  /** Signed checkpoints of size > `verifier.size`, ascending by size. */
  checkpoints?: AsyncIterable<Checkpoint> | Iterable<Checkpoint>;
  /** The stored Merkle nodes created by those entries, in creation order (data directories only). */
  nodes?: AsyncIterable<{ id: NodeId; hash: Uint8Array }>;
}

export type VerifyOptions = VerifierOptions & Omit<VerifyInput, 'entries'>;

/** The built-in key directory: who holds which key at each index. */
class KeyDirectory {
  private readonly keys: Map<string, string>;

  /** The operator's key is pinned out of band, so it signs the genesis entry. */
  constructor(operatorKey: string) {
    this.keys = new Map([[OPERATOR_ACTOR, operatorKey]]);
  }

  keyOf(actor: string): string | undefined {
    return this.keys.get(actor);
  }

  apply(entry: Entry): void {
    const { type, actor, body } = entry.event;
    const b = (body ?? {}) as Record<string, unknown>;
    if (type === GENESIS_TYPE && entry.index === 0) {
      const g = b as Partial<GenesisBody>;
      for (const r of Array.isArray(g.regulators) ? g.regulators : [])
        if (typeof r?.id === 'string' && typeof r.publicKey === 'string') this.keys.set(r.id, r.publicKey);
    } else if (type === 'actor.register' && typeof b.id === 'string' && typeof b.publicKey === 'string') {
      if (!this.keys.has(b.id)) this.keys.set(b.id, b.publicKey);
    } else if (type === 'actor.rotateKey' && typeof b.publicKey === 'string' && this.keys.has(actor)) {
      this.keys.set(actor, b.publicKey);
    }
  }
}

const iterate = <T>(it: AsyncIterable<T> | Iterable<T> | undefined): AsyncIterator<T> | Iterator<T> | undefined =>
  it && (Symbol.asyncIterator in it ? it[Symbol.asyncIterator]() : (it as Iterable<T>)[Symbol.iterator]());

/** Signature checks handed to the pool at once (the pool packs them into messages of up to 256 per worker). */
const SIGNATURE_BURST = 256;

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const memoryDedup = (): DedupCheck => {
  const seen = new Set<string>();
  return (actor, id) => {
    const k = `${actor}\n${id}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  };
};

export class LogVerifier {
  private readonly frontier = Frontier.empty(suite);
  private readonly directory: KeyDirectory;
  private readonly dedup: DedupCheck;
  private readonly maxErrors: number;
  private readonly operatorKey: Uint8Array | undefined;
  private errors: VerifyError[] = [];
  private head: Uint8Array = ZERO_HASH;
  private expected = 0;
  private lastAt = '';
  private treeBroken = false;
  /** The subject map recomputed from the subjects the hook declares (SPEC §12). */
  private readonly subjects = new SubjectTree(suite);

  constructor(private readonly options: VerifierOptions) {
    this.directory = new KeyDirectory(options.operatorKey);
    this.dedup = options.dedup ?? memoryDedup();
    this.maxErrors = options.maxErrors ?? 100;
    this.operatorKey = fromBase64Url(options.operatorKey);
  }

  /** The subject map root recomputed over the entries verified so far (SPEC §12). */
  get subjectRoot(): Uint8Array {
    return this.subjects.root();
  }

  /** Entries verified so far: the next run starts at this index. */
  get size(): number {
    return this.expected;
  }

  report(checked: number): VerifyReport {
    const errors = [...this.errors].sort((a, b) => a.index - b.index).slice(0, this.maxErrors);
    return { ok: errors.length === 0, size: this.expected, root: toHex(this.frontier.root()), head: toHex(this.head), checked, errors };
  }

  private fault(index: number, code: string, detail: string): void {
    if (this.errors.length < this.maxErrors * 4) this.errors.push({ index, code, detail });
  }

  /** Verifies entries from `size` on; resolves with the report over everything verified so far. */
  async run(input: VerifyInput, options: { final?: boolean } = {}): Promise<VerifyReport> {
    const cores = availableParallelism();
    const pool = this.options.pool ?? new SigPool(this.options.threads ?? (this.options.hook ? Math.max(1, cores - 1) : cores));
    const checks: Array<Promise<void>> = [];
    // Signature checks wait here and go to the pool in bursts: jobs submitted in one tick travel to
    // the workers in a few large messages, where one per entry would cost the main thread more than
    // the rest of the entry's hashing.
    let queued: Array<{ index: number; key: Uint8Array; message: Uint8Array; sig: Uint8Array; fault: Fault }> = [];
    const flushSignatures = () => {
      if (queued.length === 0) return;
      const burst = queued;
      queued = [];
      // One continuation per burst, not per check: the fewer objects a check leaves alive, the less the collector copies.
      checks.push(
        Promise.all(burst.map((job) => pool.verify(job.key, job.message, job.sig))).then((oks) =>
          oks.forEach((ok, i) => void (ok || this.errors.push({ index: burst[i].index, ...burst[i].fault }))),
        ),
      );
    };
    const checkpoints = iterate(input.checkpoints);
    const nodes = input.nodes?.[Symbol.asyncIterator]();
    let nextCheckpoint = checkpoints && (await checkpoints.next());
    const start = this.expected;

    const checkCheckpoint = (cp: Checkpoint, size: number) => {
      const at = Math.max(0, Math.min(cp.size, size) - 1);
      const bad = this.operatorKey
        ? verifyCheckpoint(suite, cp, this.options.origin, this.operatorKey)
        : 'the operator key is not base64url';
      if (bad) this.fault(at, 'checkpoint_invalid', `checkpoint at size ${cp.size}: ${bad}`);
      else if (cp.size > size)
        this.fault(size, 'entry_missing', `a signed checkpoint covers ${cp.size} entries but the log ends at ${size}`);
      else if (!this.treeBroken && (cp.root !== toHex(this.frontier.root()) || cp.head !== toHex(this.head)))
        this.fault(at, 'checkpoint_mismatch', `checkpoint at size ${cp.size} does not match the log's root and head at that size`);
      else if (this.options.hook && this.operatorKey) checkSubjects(cp, at);
    };
    /**
     * With a replay hook (which declares each entry's subjects) every checkpoint must carry a
     * subject note, signed by the operator, over the subject map recomputed at its size.
     */
    const checkSubjects = (cp: Checkpoint, at: number) => {
      if (!cp.subjects || typeof cp.subjects !== 'object')
        return this.fault(at, 'subjects_mismatch', `checkpoint at size ${cp.size} carries no subject note`);
      const note = verifySubjectNote(suite, cp.subjects.note, this.options.origin, cp.size, this.operatorKey!);
      if ('reason' in note) return this.fault(at, 'subjects_mismatch', `checkpoint at size ${cp.size}: ${note.reason}`);
      const root = toHex(this.subjects.root());
      if (toHex(note.root) !== root || cp.subjects.root !== root)
        this.fault(at, 'subjects_mismatch', `the subject note at size ${cp.size} does not sign the subject map of the entries up to it`);
    };
    /** Checks every checkpoint of size ≤ `size` (all remaining ones when `final`), once the tree has `size` leaves. */
    const advanceCheckpoints = async (size: number, final = false) => {
      while (nextCheckpoint && !nextCheckpoint.done && (final || nextCheckpoint.value.size <= size)) {
        checkCheckpoint(nextCheckpoint.value, size);
        nextCheckpoint = await checkpoints!.next();
      }
    };

    const pushLeaf = async (leaf: Uint8Array, index: number) => {
      if (this.treeBroken) return;
      for (const node of this.frontier.push(leaf)) {
        if (!nodes) continue;
        const stored = await nodes.next();
        if (stored.done || stored.value.id.level !== node.level || stored.value.id.index !== node.index) {
          this.fault(index, 'node_mismatch', `the stored Merkle tree lacks node ${node.level}/${node.index}`);
          this.treeBroken = true;
          return;
        }
        if (!bytesEqual(stored.value.hash, node.hash))
          this.fault(index, 'node_mismatch', `stored Merkle node ${node.level}/${node.index} does not match the entries it covers`);
      }
    };

    /** `leaf` is the entry's leaf hash as stored (and, for an entry that checks, as recomputed). */
    const replayEntry = (entry: Entry, index: number, unsigned: string | undefined, leaf: Uint8Array | undefined) => {
      const ev = entry.event;
      if (typeof entry.at !== 'string' || !ISO_MS.test(entry.at) || entry.at < this.lastAt)
        this.fault(index, 'entry_malformed', `entry ${index}: receive time ${entry.at} is not RFC 3339 or goes backwards`);
      this.lastAt = entry.at;
      if (index === 0) {
        const g = (ev?.body ?? {}) as Partial<GenesisBody>;
        if (
          ev?.type !== GENESIS_TYPE ||
          ev.actor !== OPERATOR_ACTOR ||
          g.origin !== this.options.origin ||
          g.operatorKey !== this.options.operatorKey
        )
          this.fault(0, 'genesis_invalid', 'entry 0 is not a genesis entry for this origin and operator key');
      } else if (ev?.type === GENESIS_TYPE) {
        this.fault(index, 'genesis_invalid', `entry ${index} is a second genesis entry`);
      }
      if (!this.dedup(String(ev?.actor), String(ev?.id), index))
        this.fault(index, 'duplicate_id', `event (${ev.actor}, ${ev.id}) appears twice`);

      if (unsigned === undefined) return void this.fault(index, 'entry_malformed', `entry ${index}: the event cannot be canonicalized`);
      const message = signingInput(ev, unsigned);
      const requireSignature = (publicKey: string, signature: string, f: Fault) => {
        const key = typeof publicKey === 'string' ? fromBase64Url(publicKey) : undefined;
        const sig = typeof signature === 'string' ? fromBase64Url(signature) : undefined;
        if (!key || !sig) return void this.errors.push({ index, ...f });
        queued.push({ index, key, message, sig, fault: f });
        if (queued.length >= SIGNATURE_BURST) flushSignatures();
      };
      const { hook } = this.options;
      const concern = (subject: string) => {
        if (typeof subject !== 'string' || !leaf || concerned.has(subject)) return;
        concerned.add(subject);
        this.subjects.append(subject, index, leaf);
      };
      const concerned = new Set<string>();
      if (index > 0 && hook) {
        const broken = hook.replay(entry, { message, requireSignature, concern });
        if (broken) this.fault(index, broken.code, broken.detail);
      } else {
        hook?.replay(entry, { message, requireSignature: () => undefined, concern });
        const signer = this.directory.keyOf(ev.actor);
        if (signer === undefined) this.fault(index, 'unknown_actor', `actor ${ev.actor} holds no key at index ${index}`);
        else
          requireSignature(signer, ev.sig, { code: 'bad_signature', detail: `sig is not ${ev.actor}'s signature with its key in force` });
      }
      this.directory.apply(entry);
    };

    try {
      for await (const raw of input.entries as AsyncIterable<unknown>) {
        const entry = raw as Entry;
        if (entry && typeof entry === 'object' && Number.isSafeInteger(entry.index) && entry.index > this.expected) {
          this.fault(this.expected, 'entry_missing', `entries ${this.expected}..${entry.index - 1} are missing`);
          this.treeBroken = true;
          this.expected = entry.index;
        }
        const index = this.expected;
        let canonical: { full: string; unsigned: string } | undefined;
        try {
          canonical = entry?.event && typeof entry.event === 'object' ? canonicalEnvelope(entry.event) : undefined;
        } catch {
          canonical = undefined; // checkEntry reports it
        }
        const checked = checkEntry(suite, entry, index, this.head, canonical?.full);
        if ('code' in checked) {
          this.fault(index, checked.code, checked.detail);
          if (checked.code === 'entry_malformed') {
            this.treeBroken = true;
            this.expected++;
            continue;
          }
          // Content changed: the tree gets the content's leaf; the chain resyncs on the stored hash.
          await pushLeaf(entryLeaf(suite, entry.index, entry.at, entry.event, canonical?.full), index);
          this.head = fromHex(entry.hash)?.length === 32 ? fromHex(entry.hash)! : this.head;
        } else {
          await pushLeaf(checked.leaf, index);
          this.head = checked.hash;
        }
        this.expected++;
        replayEntry(entry, index, canonical?.unsigned, 'code' in checked ? fromHex(entry.leaf) : checked.leaf);
        await advanceCheckpoints(this.expected);
        if (pool.outstanding > 2048) {
          flushSignatures();
          await pool.below(512);
        }
        if (checks.length > 16384)
          checks.splice(
            0,
            checks.length,
            Promise.all(checks).then(() => undefined),
          );
        if (this.options.onProgress && this.expected % 10_000 === 0) this.options.onProgress(this.expected);
      }
      if (nodes && options.final !== false) {
        const extra = await nodes.next();
        if (!extra.done) this.fault(this.expected, 'node_mismatch', 'the stored tree has nodes past the last entry');
      }
      await advanceCheckpoints(this.expected, options.final !== false);
      if (this.expected === 0) this.fault(0, 'genesis_invalid', 'the log is empty');
      flushSignatures();
      await Promise.all(checks);
    } finally {
      if (pool !== this.options.pool) await pool.close();
    }
    return this.report(this.expected - start);
  }
}

export async function verifyLog(entries: AsyncIterable<unknown> | Iterable<unknown>, options: VerifyOptions): Promise<VerifyReport> {
  const { checkpoints, nodes, ...rest } = options;
  return new LogVerifier(rest).run({ entries, checkpoints, nodes });
}
