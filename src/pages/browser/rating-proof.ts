/**
 * Checks a merchant's published rating (GET /v1/merchants/{id}/rating, SPEC §14)
 * without trusting the server that sent it — what /m/{id} runs in the browser
 * with the @noble suite, and what tests run with node:crypto. Pure; the Suite is
 * passed in. The rating verifies when:
 *   - its checkpoint is a note signed for the pinned origin by the pinned operator key;
 *   - the entry's leaf, recomputed from (index, at, event), equals `entry.leaf`, and
 *     the inclusion proof leads from it to the checkpoint root;
 *   - the entry is a `rating.publish` by `published.by` whose body rates this
 *     merchant with exactly the period, score and stars stated;
 *   - what the page shows (index, leaf, score, stars, from its data-* attributes)
 *     is what was verified.
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
import type { Anchor } from './verify-trace.js';

export interface ShownRating {
  merchant: string;
  index: number;
  leaf: string;
  score: number;
  stars: number;
}

interface PublishedShape {
  period: string;
  score: number;
  stars: number;
  by: string;
  index: number;
  entry: { index: number; at: string; event: Envelope; leaf: string };
  proof: { size: number; path: string[] };
  checkpoint: Checkpoint;
}

/** undefined when everything verifies, else the first reason it does not. */
export const checkPublishedRating = (suite: Suite, view: unknown, anchor: Anchor, shown: ShownRating): string | undefined => {
  const v = view as { merchant?: unknown; published?: PublishedShape | null } | null;
  if (!v || typeof v !== 'object' || v.merchant !== shown.merchant) return 'the response is not this merchant’s rating';
  const p = v.published;
  if (!p || typeof p !== 'object' || !p.entry || !p.proof || !p.checkpoint || !Array.isArray(p.proof.path))
    return 'the response has no published rating';
  const key = fromBase64Url(anchor.operatorKey);
  let bad: string | undefined;
  try {
    bad = key?.length === 32 ? verifyCheckpoint(suite, p.checkpoint, anchor.origin, key) : 'the pinned operator key is not a key';
  } catch {
    bad = 'the checkpoint is malformed';
  }
  if (bad) return bad;
  if (p.entry.index !== p.index || p.proof.size !== p.checkpoint.size) return 'the proof is not for this entry and checkpoint';
  let leaf: Uint8Array;
  try {
    leaf = entryLeaf(suite, p.index, p.entry.at, p.entry.event);
  } catch {
    return 'the entry cannot be canonicalized';
  }
  if (toHex(leaf) !== p.entry.leaf) return `entry ${p.index}: its content does not hash to its leaf`;
  const path = p.proof.path.map((x) => (typeof x === 'string' ? fromHex(x) : undefined));
  const root = fromHex(p.checkpoint.root);
  if (!root || path.some((x) => !x || x.length !== 32)) return 'the proof is malformed';
  if (!verifyInclusion(suite, p.index, p.checkpoint.size, leaf, path as Uint8Array[], root))
    return `the inclusion proof of entry ${p.index} does not lead to the checkpoint root`;
  const ev = p.entry.event;
  const body = ev.body as { period?: unknown; ratings?: Array<{ merchant: unknown; score: unknown; stars: unknown }> } | null;
  if (ev.type !== 'rating.publish' || ev.actor !== p.by || !body || !Array.isArray(body.ratings))
    return 'the entry is not a rating.publish';
  const mine = body.ratings.filter((r) => r && r.merchant === shown.merchant);
  if (mine.length !== 1 || mine[0].score !== p.score || mine[0].stars !== p.stars || body.period !== p.period)
    return 'the entry does not rate this merchant as stated';
  if (shown.index !== p.index || shown.leaf !== p.entry.leaf || shown.score !== p.score || shown.stars !== p.stars)
    return 'the page shows another rating than the one verified';
  return undefined;
};
