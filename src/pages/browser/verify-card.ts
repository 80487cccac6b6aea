/**
 * Checks a card view (GET /v1/cards/{card}) without trusting the server — what
 * the wallet runs in the browser with the @noble suite. Pure; the Suite is passed in.
 *
 * The card verifies when its checkpoint is signed for the pinned origin by the
 * pinned operator key, every entry's leaf recomputed from (index, at, event)
 * equals its `leaf` and its inclusion proof leads to the checkpoint root, every
 * entry is about this card, and the balance replayed from the verified entries
 * equals the balance the server states, and the view proves it left out no entry
 * about the card or its merchant's disposals (SPEC §12, verifyCompleteness). The
 * balance shown is the replayed one.
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
import { verifyCompleteness } from '../../client/completeness.js';

export interface CardViewShape {
  card: { card: string; merchant: string; balance: number };
  entries: Array<{ index: number; at: string; event: Envelope; leaf: string }>;
  checkpoint: Checkpoint;
  proofs: Record<string, string[]>;
}

export interface CardCheck {
  ok: boolean;
  /** The balance replayed from the verified entries (fen). */
  balance: number;
  problems: string[];
}

const IN = new Set(['card.issue', 'card.topup']);
const OUT = new Set(['card.consume', 'card.refund', 'insurance.compensate', 'custody.payout']);

/** How an entry moves the card's balance (fen, signed). */
export const balanceDelta = (event: Envelope): number => {
  const b = event.body as { amount?: number; balance?: number };
  if (event.type === 'card.import') return b.balance ?? 0;
  if (IN.has(event.type)) return b.amount ?? 0;
  if (OUT.has(event.type)) return -(b.amount ?? 0);
  return 0;
};

export const checkCard = (suite: Suite, anchor: Anchor, view: CardViewShape, cardId: string): CardCheck => {
  const problems: string[] = [];
  const key = fromBase64Url(anchor.operatorKey);
  const bad = key?.length === 32 ? verifyCheckpoint(suite, view.checkpoint, anchor.origin, key) : 'the pinned operator key is not a key';
  if (bad) problems.push(`checkpoint: ${bad}`);
  const root = fromHex(view.checkpoint?.root ?? '');
  let balance = 0;
  let last = -1;
  for (const e of view.entries ?? []) {
    if (!(e.index > last)) problems.push(`entry ${e.index}: out of order`);
    last = e.index;
    if ((e.event?.body as { card?: string })?.card !== cardId) problems.push(`entry ${e.index}: not about card ${cardId}`);
    const leaf = entryLeaf(suite, e.index, e.at, e.event);
    if (toHex(leaf) !== e.leaf) problems.push(`entry ${e.index}: its leaf does not match its content`);
    const path = (view.proofs?.[String(e.index)] ?? []).map((h) => fromHex(h));
    if (!root || path.some((p) => !p) || !verifyInclusion(suite, e.index, view.checkpoint.size, leaf, path as Uint8Array[], root))
      problems.push(`entry ${e.index}: its inclusion proof does not verify`);
    balance += balanceDelta(e.event);
  }
  if (!view.entries?.length) problems.push('the card has no entries');
  if (view.card?.balance !== balance) problems.push(`the stated balance ${view.card?.balance} is not the replayed ${balance}`);
  // SPEC §12: the entries are every entry about the card (and its merchant's disposals) up to the checkpoint.
  const complete = verifyCompleteness(view, anchor, suite);
  if (!complete.ok) problems.push(`completeness: ${complete.reason}`);
  return { ok: problems.length === 0, balance, problems };
};
