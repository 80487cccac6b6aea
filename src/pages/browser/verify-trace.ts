/**
 * Checks a trace view (SPEC §8) against a pinned trust anchor, whoever sent it — what
 * the trace page runs in the browser with the @noble suite, and what tests run
 * with node:crypto. Pure; the Suite is passed in.
 *
 * The view verifies when:
 *   - its checkpoint is a note signed for the pinned origin by the pinned operator key;
 *   - every timeline entry's leaf, recomputed from (index, at, event), equals its `leaf`,
 *     and its inclusion proof leads from that leaf to the checkpoint root;
 *   - the timeline is non-empty, strictly ascending, and for the code the page shows;
 *   - every entry the page shows (its index and leaf, from the server-rendered HTML)
 *     is one of the verified entries, so nothing on the page escaped the check;
 *   - the view proves that its timeline holds every entry about the lot and its
 *     ancestors up to the checkpoint (SPEC §12, src/client/completeness.ts).
 * Entries the page does not show are allowed: the view may be newer than the page.
 *
 * The result is also a list of named checks (SPEC §11), each `ok`, `failed` or
 * `unavailable` (not checked, so not claimed):
 *   signature    — the checkpoint note is signed by the pinned log key for the pinned origin
 *   quorum       — the witness cosignatures on the checkpoint and on its subject note
 *                  (SPEC §12) each meet the pinned policy's quorum; `unavailable` when no
 *                  quorum is pinned (the checkpoint is then only operator-signed)
 *   freshness    — the checkpoint is not older than one this browser already accepted
 *   inclusion    — every entry hashes to its leaf and is proved in the checkpoint's tree
 *   completeness — the view holds every entry about the lot and its ancestors: its
 *                  subject-map proofs (SPEC §12) check against the signed subject note
 *   rules        — the lot's status, replayed from the verified entries with the
 *                  server's own rule code (src/trace/derive.ts), is the status the
 *                  view and the page state
 */
import {
  entryLeaf,
  fromBase64Url,
  fromHex,
  toHex,
  verifyCheckpoint,
  verifyInclusion,
  type Checkpoint,
  type Envelope,
  type Suite,
  parsePolicy,
  verifyCheckpointNote,
  verifySubjectQuorum,
  type Policy,
} from '../../../ledger/portable.js';
import { deriveLot, type DerivedLot } from '../../trace/derive.js';
import { verifyCompleteness } from '../../client/completeness.js';

export interface Anchor {
  origin: string;
  /** base64url Ed25519 public key. */
  operatorKey: string;
  /**
   * A pinned C2SP tlog-policy (its text): its witnesses and quorum. Without one,
   * the quorum is not checked and the page says the checkpoint is only operator-signed.
   */
  policy?: string;
}

export type CheckName = 'signature' | 'quorum' | 'freshness' | 'inclusion' | 'completeness' | 'rules';
export type CheckState = 'ok' | 'failed' | 'unavailable';
export interface NamedCheck {
  name: CheckName;
  state: CheckState;
  detail: string;
}
export const CHECK_NAMES: readonly CheckName[] = ['signature', 'quorum', 'freshness', 'inclusion', 'completeness', 'rules'];

/**
 * A completeness checker in place of the default (the view's subject-map proofs,
 * src/client/completeness.ts): undefined when the view holds every entry, else why not.
 */
export type CompletenessCheck = (view: unknown) => string | undefined;

/** What the page shows of one timeline entry. */
export interface ShownEntry {
  index: number;
  leaf: string;
}

export type ProblemCode =
  | 'fetch'
  | 'malformed'
  | 'code'
  | 'checkpoint'
  | 'quorum'
  | 'stale'
  | 'empty'
  | 'order'
  | 'leaf'
  | 'missing'
  | 'proof'
  | 'shown'
  | 'completeness'
  | 'status'
  | 'balance';

/** Which named check a problem fails. */
const CHECK_OF: Record<ProblemCode, CheckName> = {
  fetch: 'signature',
  malformed: 'signature',
  checkpoint: 'signature',
  quorum: 'quorum',
  stale: 'freshness',
  code: 'rules',
  empty: 'inclusion',
  order: 'inclusion',
  leaf: 'inclusion',
  missing: 'inclusion',
  proof: 'inclusion',
  shown: 'inclusion',
  completeness: 'completeness',
  status: 'rules',
  balance: 'rules',
};

export interface Problem {
  code: ProblemCode;
  index?: number;
  detail: string;
}

export interface TraceCheck {
  ok: boolean;
  /** Timeline entries whose leaf and proof verified. */
  verified: number[];
  problems: Problem[];
  /** Every named check, in CHECK_NAMES order. */
  checks: NamedCheck[];
  /** The lot as the verified entries say it is (absent when the checkpoint did not verify). */
  derived?: DerivedLot;
  /** The checkpoint verified: its size, and the witnesses' cosignature times (POSIX s) when the quorum checked. */
  checkpoint?: { size: number; witnessed?: Record<string, number> };
}

/** What else the caller knows: the status the page shows, the largest checkpoint this browser accepted, a completeness checker, the time. */
export interface TraceExpect {
  code: string;
  shown: ShownEntry[];
  status?: string;
  seenSize?: number;
  completeness?: CompletenessCheck;
  nowMs?: number;
}

/** Folds problems and what was not checked into the named checks. */
export const namedChecks = (problems: readonly Problem[], unavailable: Partial<Record<CheckName, string>>): NamedCheck[] =>
  CHECK_NAMES.map((name) => {
    const failed = problems.filter((p) => CHECK_OF[p.code] === name);
    if (failed.length) return { name, state: 'failed', detail: failed.map((p) => p.detail).join('; ') };
    const why = unavailable[name];
    return why === undefined ? { name, state: 'ok', detail: '' } : { name, state: 'unavailable', detail: why };
  });

interface ViewShape {
  code: string;
  timeline: Array<{ index: number; at: string; event: Envelope; leaf: string }>;
  checkpoint: Checkpoint;
  proofs: Record<string, unknown>;
}

const isView = (v: unknown): v is ViewShape => {
  const x = v as ViewShape;
  return (
    !!x &&
    typeof x === 'object' &&
    typeof x.code === 'string' &&
    Array.isArray(x.timeline) &&
    x.timeline.every((t) => !!t && typeof t === 'object' && Number.isSafeInteger(t.index) && typeof t.at === 'string' && !!t.event) &&
    !!x.checkpoint &&
    typeof x.checkpoint === 'object' &&
    !!x.proofs &&
    typeof x.proofs === 'object'
  );
};

const hashes = (path: unknown): Uint8Array[] | undefined => {
  if (!Array.isArray(path)) return undefined;
  const out: Uint8Array[] = [];
  for (const h of path) {
    const b = typeof h === 'string' ? fromHex(h) : undefined;
    if (!b || b.length !== 32) return undefined;
    out.push(b);
  }
  return out;
};

/**
 * The quorum check of a view (trace or card): only a pinned policy names witnesses; the
 * cosignature lines of the checkpoint note and of the subject note (SPEC §12) are each
 * checked against it. Returns the problems, why it was not checked (no quorum pinned), or
 * the witnesses' cosignature times on the checkpoint.
 */
export const checkQuorum = (
  suite: Suite,
  anchor: Anchor,
  checkpointNote: unknown,
  subjectNote: unknown,
): { problems: Problem[]; unavailable?: string; witnessed?: Record<string, number> } => {
  let policy: Policy;
  try {
    if (!anchor.policy) return { problems: [], unavailable: 'no witness quorum is pinned: the checkpoint is only operator-signed' };
    policy = parsePolicy(suite, anchor.policy);
  } catch (e) {
    return { problems: [{ code: 'quorum', detail: `the pinned policy is not a policy: ${(e as Error).message}` }] };
  }
  if (policy.quorum.kind === 'none')
    return { problems: [], unavailable: 'the pinned policy requires no witness: the checkpoint is only operator-signed' };
  const problems: Problem[] = [];
  const v = verifyCheckpointNote(suite, policy, String(checkpointNote));
  if (typeof v === 'string') problems.push({ code: 'quorum', detail: v });
  // The subject note too: without the quorum on it, the operator alone vouches that nothing was left out.
  const subjects = verifySubjectQuorum(suite, policy, String(subjectNote));
  if (typeof subjects === 'string') problems.push({ code: 'quorum', detail: subjects });
  return { problems, ...(typeof v !== 'string' && { witnessed: Object.fromEntries(v.cosigned) }) };
};

const NOT_REACHED = 'not checked: an earlier check failed';
const notReached = (from: CheckName): Partial<Record<CheckName, string>> =>
  Object.fromEntries(CHECK_NAMES.slice(CHECK_NAMES.indexOf(from)).map((n) => [n, NOT_REACHED]));

export const verifyTraceView = (suite: Suite, view: unknown, anchor: Anchor, expect: TraceExpect): TraceCheck => {
  const problems: Problem[] = [];
  const fail = (from: CheckName): TraceCheck => ({ ok: false, verified: [], problems, checks: namedChecks(problems, notReached(from)) });
  if (!isView(view)) {
    problems.push({ code: 'malformed', detail: 'the response is not a trace view' });
    return fail('quorum');
  }
  if (view.code !== expect.code) problems.push({ code: 'code', detail: `the view is for ${view.code}, the page for ${expect.code}` });

  const key = fromBase64Url(anchor.operatorKey);
  let bad: string | undefined;
  try {
    bad = key?.length === 32 ? verifyCheckpoint(suite, view.checkpoint, anchor.origin, key) : 'the pinned operator key is not a key';
  } catch {
    bad = 'the checkpoint is malformed';
  }
  if (bad) {
    problems.push({ code: 'checkpoint', detail: bad });
    return fail('quorum');
  }
  const root = fromHex(view.checkpoint.root)!;
  const size = view.checkpoint.size;
  const unavailable: Partial<Record<CheckName, string>> = {};

  const quorum = checkQuorum(suite, anchor, view.checkpoint.note, (view as { completeness?: { note?: unknown } }).completeness?.note);
  problems.push(...quorum.problems);
  if (quorum.unavailable) unavailable.quorum = quorum.unavailable;
  const witnessed = quorum.witnessed;

  if (expect.seenSize !== undefined && size < expect.seenSize)
    problems.push({
      code: 'stale',
      detail: `the checkpoint (size ${size}) is older than one this browser already accepted (size ${expect.seenSize})`,
    });

  if (view.timeline.length === 0) problems.push({ code: 'empty', detail: 'the timeline is empty' });
  const verified = new Map<number, string>();
  let last = -1;
  for (const item of view.timeline) {
    const { index } = item;
    if (index <= last) problems.push({ code: 'order', index, detail: `entry ${index} comes after entry ${last}` });
    last = Math.max(last, index);
    let leaf: Uint8Array;
    try {
      leaf = entryLeaf(suite, index, item.at, item.event);
    } catch (e) {
      problems.push({ code: 'leaf', index, detail: `entry ${index} cannot be canonicalized: ${(e as Error).message}` });
      continue;
    }
    const hex = toHex(leaf);
    if (item.leaf !== hex) {
      problems.push({ code: 'leaf', index, detail: `entry ${index}: its content hashes to ${hex}, not to ${String(item.leaf)}` });
      continue;
    }
    const path = Object.hasOwn(view.proofs, String(index)) ? hashes(view.proofs[String(index)]) : undefined;
    if (!path) {
      problems.push({ code: 'missing', index, detail: `entry ${index} has no well-formed inclusion proof` });
      continue;
    }
    if (!verifyInclusion(suite, index, size, leaf, path, root)) {
      problems.push({
        code: 'proof',
        index,
        detail: `the inclusion proof of entry ${index} does not lead to the root of checkpoint ${size}`,
      });
      continue;
    }
    verified.set(index, hex);
  }
  for (const s of expect.shown)
    if (verified.get(s.index) !== s.leaf)
      problems.push({ code: 'shown', index: s.index, detail: `entry ${s.index} is shown but not verified` });

  // SPEC §12: the timeline holds every entry about the lot and its ancestors up to the checkpoint.
  // A page may pass its own checker; by default the view's subject-map proofs are checked.
  const why = expect.completeness
    ? expect.completeness(view)
    : ((c) => (c.ok ? undefined : c.reason))(verifyCompleteness(view, anchor, suite));
  if (why !== undefined) problems.push({ code: 'completeness', detail: why });
  // The rules, replayed over the verified entries only.
  const derived = deriveLot(
    view.code,
    view.timeline.filter((e) => verified.get(e.index) === e.leaf),
    expect.nowMs ?? Date.now(),
  );
  const stated = (view as { status?: unknown }).status;
  if (stated !== undefined && stated !== derived.status)
    problems.push({ code: 'status', detail: `the view states ${String(stated)}, its verified entries say ${derived.status}` });
  if (expect.status !== undefined && expect.status !== derived.status)
    problems.push({ code: 'status', detail: `the page shows ${expect.status}, the verified entries say ${derived.status}` });

  const checks = namedChecks(problems, unavailable);
  return {
    ok: checks.every((c) => c.state !== 'failed'),
    verified: [...verified.keys()],
    problems,
    checks,
    derived,
    checkpoint: { size, ...(witnessed && { witnessed }) },
  };
};
