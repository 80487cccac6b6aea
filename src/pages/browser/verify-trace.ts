/**
 * Checks a trace view (SPEC §8) without trusting the server that sent it — what
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
} from '../../../ledger/portable.js';
import { verifyCompleteness } from '../../client/completeness.js';

export interface Anchor {
  origin: string;
  /** base64url Ed25519 public key. */
  operatorKey: string;
}

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
  | 'empty'
  | 'order'
  | 'leaf'
  | 'missing'
  | 'proof'
  | 'shown'
  | 'completeness';

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
}

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

export const verifyTraceView = (suite: Suite, view: unknown, anchor: Anchor, expect: { code: string; shown: ShownEntry[] }): TraceCheck => {
  const problems: Problem[] = [];
  const fail = (): TraceCheck => ({ ok: false, verified: [], problems });
  if (!isView(view)) {
    problems.push({ code: 'malformed', detail: 'the response is not a trace view' });
    return fail();
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
    return fail();
  }
  const root = fromHex(view.checkpoint.root)!;
  const size = view.checkpoint.size;

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
  const complete = verifyCompleteness(view, anchor, suite);
  if (!complete.ok) problems.push({ code: 'completeness', detail: complete.reason });

  return { ok: problems.length === 0, verified: [...verified.keys()], problems };
};
