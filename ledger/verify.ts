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
 */
import { bytesEqual, fromBase64Url, fromHex, toHex } from './encoding.js';
import { checkEntry, entryLeaf, ZERO_HASH, type Entry } from './entry.js';
import { signingInput } from './event.js';
import { verifyCheckpoint, type Checkpoint } from './checkpoint.js';
import { GENESIS_TYPE, OPERATOR_ACTOR, type GenesisBody } from './genesis.js';
import { Frontier, type NodeId } from './merkle.js';
import { SigPool } from './sigpool.js';
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
  /** Entries in the log examined. */
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

export interface VerifyOptions {
  origin: string;
  /** Operator public key, base64url. */
  operatorKey: string;
  /** Signed checkpoints, ascending by size. */
  checkpoints?: AsyncIterable<Checkpoint> | Iterable<Checkpoint>;
  /** The stored Merkle nodes, in the order appends create them (data directories only). */
  nodes?: AsyncIterable<{ id: NodeId; hash: Uint8Array }>;
  hook?: ReplayHook;
  /** Signature threads (default: one per core). */
  threads?: number;
  /** Stop recording after this many errors (default 100). */
  maxErrors?: number;
  onProgress?(checked: number): void;
}

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

const asyncIterator = <T>(it: AsyncIterable<T> | Iterable<T> | undefined): AsyncIterator<T> | Iterator<T> | undefined =>
  it && (Symbol.asyncIterator in it ? it[Symbol.asyncIterator]() : (it as Iterable<T>)[Symbol.iterator]());

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export async function verifyLog(entries: AsyncIterable<unknown> | Iterable<unknown>, options: VerifyOptions): Promise<VerifyReport> {
  const maxErrors = options.maxErrors ?? 100;
  const errors: VerifyError[] = [];
  const fault = (index: number, code: string, detail: string) => {
    if (errors.length < maxErrors * 4) errors.push({ index, code, detail });
  };
  const operatorKey = fromBase64Url(options.operatorKey);
  const pool = new SigPool(options.threads);
  const checks: Array<Promise<void>> = [];
  const directory = new KeyDirectory(options.operatorKey);
  const seen = new Set<string>();
  const frontier = Frontier.empty(suite);
  const checkpoints = asyncIterator(options.checkpoints);
  const nodes = options.nodes?.[Symbol.asyncIterator]();
  let nextCheckpoint = checkpoints && (await checkpoints.next());
  let head: Uint8Array = ZERO_HASH;
  let expected = 0;
  let lastAt = '';
  let treeBroken = false;

  const checkCheckpoint = (cp: Checkpoint, size: number) => {
    const at = Math.max(0, Math.min(cp.size, size) - 1);
    const bad = operatorKey ? verifyCheckpoint(suite, cp, options.origin, operatorKey) : 'the operator key is not base64url';
    if (bad) fault(at, 'checkpoint_invalid', `checkpoint at size ${cp.size}: ${bad}`);
    else if (cp.size > size) fault(size, 'entry_missing', `a signed checkpoint covers ${cp.size} entries but the log ends at ${size}`);
    else if (!treeBroken && (cp.root !== toHex(frontier.root()) || cp.head !== toHex(head)))
      fault(at, 'checkpoint_mismatch', `checkpoint at size ${cp.size} does not match the log's root and head at that size`);
  };
  /** Checks every checkpoint of size ≤ `size` (all remaining ones when `final`), once the tree has `size` leaves. */
  const advanceCheckpoints = async (size: number, final = false) => {
    while (nextCheckpoint && !nextCheckpoint.done && (final || nextCheckpoint.value.size <= size)) {
      checkCheckpoint(nextCheckpoint.value, size);
      nextCheckpoint = await checkpoints!.next();
    }
  };

  try {
    for await (const raw of entries as AsyncIterable<unknown>) {
      const entry = raw as Entry;
      const index = expected;
      if (entry && typeof entry === 'object' && Number.isSafeInteger(entry.index) && entry.index > index) {
        fault(index, 'entry_missing', `entries ${index}..${entry.index - 1} are missing`);
        treeBroken = true;
        expected = entry.index;
      }
      const at = expected;
      const checked = checkEntry(suite, entry, at, head);
      if ('code' in checked) {
        fault(at, checked.code, checked.detail);
        if (checked.code === 'entry_malformed') {
          treeBroken = true;
          expected++;
          continue;
        }
        // Content changed: the tree gets the content's leaf; the chain resyncs on the stored hash.
        const leaf = entryLeaf(suite, entry.index, entry.at, entry.event);
        await pushLeaf(leaf, at);
        head = fromHex(entry.hash)?.length === 32 ? fromHex(entry.hash)! : head;
      } else {
        await pushLeaf(checked.leaf, at);
        head = checked.hash;
      }
      expected++;
      await replayEntry(entry, at);
      await advanceCheckpoints(expected);
      if (options.onProgress && expected % 10_000 === 0) options.onProgress(expected);
    }
    if (nodes) {
      const extra = await nodes.next();
      if (!extra.done) fault(expected, 'node_mismatch', 'the stored tree has nodes past the last entry');
    }
    await advanceCheckpoints(expected, true);
    if (expected === 0) fault(0, 'genesis_invalid', 'the log is empty');
    await Promise.all(checks);
  } finally {
    await pool.close();
  }

  errors.sort((a, b) => a.index - b.index);
  return {
    ok: errors.length === 0,
    size: expected,
    root: toHex(frontier.root()),
    head: toHex(head),
    checked: expected,
    errors: errors.slice(0, maxErrors),
  };

  /** Drops settled checks so the list does not grow with the log. */
  function settle(): void {
    if (checks.length > 16384) {
      const pending = Promise.all(checks.splice(0));
      checks.push(pending.then(() => undefined));
    }
  }

  async function pushLeaf(leaf: Uint8Array, index: number): Promise<void> {
    if (treeBroken) return;
    for (const node of frontier.push(leaf)) {
      if (!nodes) continue;
      const stored = await nodes.next();
      if (stored.done || stored.value.id.level !== node.level || stored.value.id.index !== node.index) {
        fault(index, 'node_mismatch', `the stored Merkle tree lacks node ${node.level}/${node.index}`);
        treeBroken = true;
        return;
      }
      if (!bytesEqual(stored.value.hash, node.hash))
        fault(index, 'node_mismatch', `stored Merkle node ${node.level}/${node.index} does not match the entries it covers`);
    }
  }

  async function replayEntry(entry: Entry, index: number): Promise<void> {
    const ev = entry.event;
    if (typeof entry.at !== 'string' || !ISO_MS.test(entry.at) || entry.at < lastAt)
      fault(index, 'entry_malformed', `entry ${index}: receive time ${entry.at} is not RFC 3339 or goes backwards`);
    lastAt = entry.at;
    if (index === 0) {
      const g = (ev?.body ?? {}) as Partial<GenesisBody>;
      if (ev?.type !== GENESIS_TYPE || ev.actor !== OPERATOR_ACTOR || g.origin !== options.origin || g.operatorKey !== options.operatorKey)
        fault(0, 'genesis_invalid', 'entry 0 is not a genesis entry for this origin and operator key');
    } else if (ev?.type === GENESIS_TYPE) {
      fault(index, 'genesis_invalid', `entry ${index} is a second genesis entry`);
    }
    const dedup = `${ev?.actor}\n${ev?.id}`;
    if (seen.has(dedup)) fault(index, 'duplicate_id', `event (${ev.actor}, ${ev.id}) appears twice`);
    seen.add(dedup);

    let message: Uint8Array;
    try {
      message = signingInput(ev);
    } catch {
      fault(index, 'entry_malformed', `entry ${index}: the event cannot be canonicalized`);
      return;
    }
    const requireSignature = (publicKey: string, signature: string, f: Fault) => {
      const key = typeof publicKey === 'string' ? fromBase64Url(publicKey) : undefined;
      const sig = typeof signature === 'string' ? fromBase64Url(signature) : undefined;
      if (!key || !sig) return void errors.push({ index, ...f });
      checks.push(pool.verify(key, message, sig).then((ok) => void (ok || errors.push({ index, ...f }))));
    };
    if (index > 0 && options.hook) {
      const broken = options.hook.replay(entry, { message, requireSignature });
      if (broken) fault(index, broken.code, broken.detail);
    } else {
      options.hook?.replay(entry, { message, requireSignature: () => undefined });
      const signer = directory.keyOf(ev.actor);
      if (signer === undefined) fault(index, 'unknown_actor', `actor ${ev.actor} holds no key at index ${index}`);
      else requireSignature(signer, ev.sig, { code: 'bad_signature', detail: `sig is not ${ev.actor}'s signature with its key in force` });
    }
    directory.apply(entry);
    if (pool.outstanding > 8192) {
      await pool.below(2048);
      settle();
    }
  }
}
