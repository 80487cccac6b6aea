/**
 * Checks that a trace view or a card view (SPEC §8) holds every entry about
 * every subject it relies on, up to its checkpoint (SPEC §12) — without
 * trusting whoever served it. Pure and portable: the pages run it in the
 * browser with @noble (the default suite), the CLI and tests with node:crypto.
 *
 * A view passes when:
 *   - its checkpoint is signed for the pinned origin by the pinned operator key;
 *   - `completeness.size` is the checkpoint's size and `completeness.note` is the
 *     operator's subject note at that size;
 *   - every entry the view carries (trace: `timeline`; card: `entries` and
 *     `merchantEntries`) hashes to its leaf and is included in the checkpoint;
 *   - the subjects the view must rely on are all there — trace: `lot:<code>` and
 *     `lot:<a>` for every ancestor the verified transforms name; card:
 *     `card:<id>` and `merchant:<its merchant>`;
 *   - for each subject, the head recomputed over its listed entries (count,
 *     last index, chain) is the head the map proof proves in the signed root (a
 *     subject with no entries must be proved absent);
 *   - the view carries no entry that no subject lists.
 * So a dropped, reordered, added or stale entry fails, naming the subject.
 */
import {
  entryLeaf,
  fromBase64Url,
  fromHex,
  toHex,
  nextHead,
  verifyCheckpoint,
  verifyInclusion,
  verifySubjectNote,
  verifySubjectProof,
  type Checkpoint,
  type Envelope,
  type SubjectHead,
  type SubjectProof,
  type Suite,
} from '../../ledger/portable.js';
import { nobleSuite } from '../../ledger/suite-noble.js';

/** The keys pinned out of band: the log's origin and its operator's base64url Ed25519 public key. */
export interface CompletenessKeys {
  origin: string;
  operatorKey: string;
}

export type CompletenessResult = { ok: true } | { ok: false; reason: string };

interface ViewEntry {
  index: number;
  at: string;
  event: Envelope;
  leaf: string;
}

interface SubjectItem {
  subject: string;
  head: SubjectHead | null;
  proof: SubjectProof;
  indexes: number[];
}

const fail = (reason: string): CompletenessResult => ({ ok: false, reason });

const isEntry = (e: unknown): e is ViewEntry => {
  const x = e as ViewEntry;
  return (
    !!x && typeof x === 'object' && Number.isSafeInteger(x.index) && typeof x.at === 'string' && !!x.event && typeof x.leaf === 'string'
  );
};

const hashes = (path: unknown): Uint8Array[] | undefined => {
  if (!Array.isArray(path) || path.length > 64) return undefined;
  const out: Uint8Array[] = [];
  for (const h of path) {
    const b = typeof h === 'string' ? fromHex(h) : undefined;
    if (!b || b.length !== 32) return undefined;
    out.push(b);
  }
  return out;
};

/** The subjects a view must rely on, from what its verified entries say. */
const requiredSubjects = (view: Record<string, unknown>, entries: Map<number, ViewEntry>): string[] | string => {
  if (typeof view.code === 'string') {
    // The lot, and every ancestor: a lot made by lot.transform descends from the transform's inputs.
    const lots = new Set([view.code]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const e of entries.values()) {
        if (e.event.type !== 'lot.transform') continue;
        const body = e.event.body as { inputs?: Array<{ code?: unknown }>; outputs?: Array<{ code?: unknown }> };
        if (!body.outputs?.some((o) => lots.has(o.code as string))) continue;
        for (const i of body.inputs ?? [])
          if (typeof i.code === 'string' && !lots.has(i.code)) {
            lots.add(i.code);
            grew = true;
          }
      }
    }
    return [...lots].map((l) => `lot:${l}`);
  }
  const card = view.card as { card?: unknown; merchant?: unknown } | undefined;
  if (card && typeof card.card === 'string' && typeof card.merchant === 'string') return [`card:${card.card}`, `merchant:${card.merchant}`];
  return 'the view is neither a trace view nor a card view';
};

/**
 * Verifies the `completeness` section of a trace or card view (see the file comment).
 * Returns {ok: true}, or {ok: false, reason} naming what did not check.
 */
export const verifyCompleteness = (view: unknown, keys: CompletenessKeys, suite: Suite = nobleSuite): CompletenessResult => {
  if (!view || typeof view !== 'object') return fail('the view is not an object');
  const v = view as Record<string, unknown>;
  const checkpoint = v.checkpoint as Checkpoint;
  const key = fromBase64Url(keys.operatorKey);
  if (!key || key.length !== 32) return fail('the pinned operator key is not a key');
  let bad: string | undefined;
  try {
    bad = verifyCheckpoint(suite, checkpoint, keys.origin, key);
  } catch {
    bad = 'the checkpoint is malformed';
  }
  if (bad) return fail(`checkpoint: ${bad}`);
  const size = checkpoint.size;
  const root = fromHex(checkpoint.root)!;

  const c = v.completeness as { size?: unknown; note?: unknown; subjects?: unknown } | undefined;
  if (!c || typeof c !== 'object' || !Array.isArray(c.subjects)) return fail('the view carries no completeness proof');
  if (c.size !== size) return fail(`the completeness proof is for size ${String(c.size)}, the checkpoint for ${size}`);
  const note = verifySubjectNote(suite, c.note as string, keys.origin, size, key);
  if ('reason' in note) return fail(`subject note: ${note.reason}`);

  // Every entry the view carries, checked against the checkpoint.
  const carried = [v.timeline, v.entries, v.merchantEntries].filter((l) => l !== undefined);
  const proofs = (v.proofs ?? {}) as Record<string, unknown>;
  const entries = new Map<number, ViewEntry & { leafBytes: Uint8Array }>();
  for (const list of carried) {
    if (!Array.isArray(list)) return fail('an entry list of the view is not a list');
    for (const e of list) {
      if (!isEntry(e)) return fail('the view carries a malformed entry');
      if (e.index >= size) return fail(`entry ${e.index} is past the checkpoint (size ${size})`);
      let leaf: Uint8Array;
      try {
        leaf = entryLeaf(suite, e.index, e.at, e.event);
      } catch {
        return fail(`entry ${e.index} cannot be canonicalized`);
      }
      if (fromHex(e.leaf) === undefined || e.leaf !== toHex(leaf)) return fail(`entry ${e.index} does not hash to its leaf`);
      const path = typeof proofs === 'object' && Object.hasOwn(proofs, String(e.index)) ? hashes(proofs[String(e.index)]) : undefined;
      if (!path) return fail(`entry ${e.index} has no inclusion proof`);
      if (!verifyInclusion(suite, e.index, size, leaf, path, root)) return fail(`entry ${e.index} is not in the log at size ${size}`);
      entries.set(e.index, { ...e, leafBytes: leaf });
    }
  }

  const required = requiredSubjects(v, entries);
  if (typeof required === 'string') return fail(required);
  const items = new Map<string, SubjectItem>();
  for (const raw of c.subjects as SubjectItem[]) {
    if (!raw || typeof raw.subject !== 'string' || !Array.isArray(raw.indexes)) return fail('a completeness item is malformed');
    if (items.has(raw.subject)) return fail(`${raw.subject} is listed twice`);
    items.set(raw.subject, raw);
  }
  const listed = new Set<number>();
  for (const subject of required) {
    const item = items.get(subject);
    if (!item) return fail(`${subject}: the view proves nothing about it`);
    let head: SubjectHead | undefined;
    let last = -1;
    for (const i of item.indexes) {
      if (!Number.isSafeInteger(i) || i <= last) return fail(`${subject}: its entries are not in log order`);
      last = i;
      const e = entries.get(i);
      if (!e) return fail(`${subject}: entry ${i} is missing from the view`);
      head = nextHead(suite, head, i, e.leafBytes);
      listed.add(i);
    }
    const claimed = item.head ?? undefined;
    if (claimed && head && (claimed.count !== head.count || claimed.last !== head.last || claimed.chain !== head.chain))
      return fail(
        `${subject}: the view's ${head.count} entries up to ${head.last} do not make the proven head (${claimed.count} entries, last ${claimed.last})`,
      );
    if (!claimed !== !head)
      return fail(
        head
          ? `${subject}: the log says no entry concerns it, the view lists ${head.count}`
          : `${subject}: the log has ${claimed!.count} entries about it, the view none`,
      );
    const why = verifySubjectProof(suite, note.root, subject, claimed, item.proof);
    if (why) return fail(`${subject}: ${why}`);
  }
  for (const i of entries.keys()) if (!listed.has(i)) return fail(`entry ${i} is in the view but no subject lists it`);
  return { ok: true };
};
