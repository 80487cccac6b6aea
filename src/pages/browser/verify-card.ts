/**
 * Checks a card view (GET /v1/cards/{card}) without trusting whoever served it —
 * what the wallet and the static verifier's card.html run in the browser with the
 * @noble suite. Pure; the Suite is passed in.
 *
 * The result is the same named checks (SPEC §11) as a trace view's (verify-trace.ts):
 *   signature    — the checkpoint is signed for the pinned origin by the pinned operator key
 *   quorum       — the witness cosignatures on the checkpoint and its subject note meet
 *                  the pinned policy's quorum; `unavailable` when no quorum is pinned
 *   freshness    — the checkpoint is not older than one this browser accepted for the card
 *   inclusion    — every entry's leaf, recomputed from (index, at, event), equals its
 *                  `leaf`, its inclusion proof leads to the checkpoint root, and the
 *                  entries are in log order
 *   completeness — the view left out no entry about the card or its merchant's
 *                  disposals up to the checkpoint (SPEC §12, verifyCompleteness)
 *   rules        — every entry is about this card, and the balance replayed from the
 *                  verified entries equals the balance the server states
 * The balance to show is the replayed one.
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
import { checkQuorum, namedChecks, type Anchor, type CheckName, type NamedCheck, type Problem } from './verify-trace.js';
import { verifyCompleteness } from '../../client/completeness.js';

export interface CardViewShape {
  card: { card: string; merchant: string; balance: number };
  entries: Array<{ index: number; at: string; event: Envelope; leaf: string }>;
  checkpoint: Checkpoint;
  proofs: Record<string, string[]>;
  completeness?: { note?: string };
}

export interface CardCheck {
  ok: boolean;
  /** The balance replayed from the verified entries (fen). */
  balance: number;
  problems: Problem[];
  /** Every named check, in CHECK_NAMES order. */
  checks: NamedCheck[];
  /** The checkpoint: its size, and the witnesses' cosignature times (POSIX s) when the quorum checked. */
  checkpoint?: { size: number; witnessed?: Record<string, number> };
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

const NOT_REACHED = 'not checked: the checkpoint did not verify';

/** `seenSize`: the largest checkpoint size this browser accepted for this card, if any. */
export const checkCard = (suite: Suite, anchor: Anchor, view: CardViewShape, cardId: string, seenSize?: number): CardCheck => {
  const problems: Problem[] = [];
  const key = fromBase64Url(anchor.operatorKey);
  let bad: string | undefined;
  try {
    bad = key?.length === 32 ? verifyCheckpoint(suite, view?.checkpoint, anchor.origin, key) : 'the pinned operator key is not a key';
  } catch {
    bad = 'the checkpoint is malformed';
  }
  if (bad) {
    problems.push({ code: 'checkpoint', detail: bad });
    const rest = Object.fromEntries(
      (['quorum', 'freshness', 'inclusion', 'completeness', 'rules'] as CheckName[]).map((n) => [n, NOT_REACHED]),
    );
    return { ok: false, balance: 0, problems, checks: namedChecks(problems, rest) };
  }
  const { size } = view.checkpoint;
  const root = fromHex(view.checkpoint.root)!;
  const unavailable: Partial<Record<CheckName, string>> = {};
  const quorum = checkQuorum(suite, anchor, view.checkpoint.note, view.completeness?.note);
  problems.push(...quorum.problems);
  if (quorum.unavailable) unavailable.quorum = quorum.unavailable;
  if (seenSize !== undefined && size < seenSize)
    problems.push({
      code: 'stale',
      detail: `the checkpoint (size ${size}) is older than one this browser already accepted (size ${seenSize})`,
    });

  let balance = 0;
  let last = -1;
  const entries = Array.isArray(view.entries) ? view.entries : [];
  for (const e of entries) {
    if (!(e.index > last)) problems.push({ code: 'order', index: e.index, detail: `entry ${e.index} comes after entry ${last}` });
    last = Math.max(last, e.index);
    if ((e.event?.body as { card?: string })?.card !== cardId)
      problems.push({ code: 'code', index: e.index, detail: `entry ${e.index} is not about card ${cardId}` });
    let leaf: Uint8Array;
    try {
      leaf = entryLeaf(suite, e.index, e.at, e.event);
    } catch {
      problems.push({ code: 'leaf', index: e.index, detail: `entry ${e.index} cannot be canonicalized` });
      continue;
    }
    if (toHex(leaf) !== e.leaf) {
      problems.push({ code: 'leaf', index: e.index, detail: `entry ${e.index}: its leaf does not match its content` });
      continue;
    }
    const path = (Array.isArray(view.proofs?.[String(e.index)]) ? view.proofs[String(e.index)] : []).map((h) => fromHex(h));
    if (path.some((p) => !p || p.length !== 32) || !verifyInclusion(suite, e.index, size, leaf, path as Uint8Array[], root)) {
      problems.push({
        code: 'proof',
        index: e.index,
        detail: `entry ${e.index}: its inclusion proof does not lead to the checkpoint root`,
      });
      continue;
    }
    balance += balanceDelta(e.event);
  }
  if (!entries.length) problems.push({ code: 'empty', detail: 'the card has no entries' });
  if (view.card?.balance !== balance)
    problems.push({ code: 'balance', detail: `the stated balance ${view.card?.balance} is not the replayed ${balance}` });
  // SPEC §12: the entries are every entry about the card (and its merchant's disposals) up to the checkpoint.
  const complete = verifyCompleteness(view, anchor, suite);
  if (!complete.ok) problems.push({ code: 'completeness', detail: complete.reason });
  const checks = namedChecks(problems, unavailable);
  return {
    ok: checks.every((c) => c.state !== 'failed'),
    balance,
    problems,
    checks,
    checkpoint: { size, ...(quorum.witnessed && { witnessed: quorum.witnessed }) },
  };
};
