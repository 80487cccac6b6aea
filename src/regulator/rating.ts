/**
 * Merchant stars (星级, SPEC §10): the published 100-point score and its caps,
 * as one pure function of its inputs. docs/RATING.md is the published form of
 * exactly this; tests/regulator/rating.test.ts checks every boundary.
 *
 *   fund safety  35  custody ≥ required (or nothing required): 35; short: ⌊25 × custody / required⌋
 *   refunds      20  no refund-overdue: 20; yellow: 10; red: 0
 *   complaints   20  complaint-surge open: 0; else max(0, 20 − 4 × open complaints − 8 if complaint-overdue)
 *   compliance   15  max(0, 15 − 5 × disposal warnings)
 *   stability    10  sales-spike open: 0; no card issued yet or first issue < 90 days ago: 5; else 10
 *
 * Score → stars: ≥ 90 → 5, ≥ 75 → 4, ≥ 60 → 3, ≥ 40 → 2, else 1. Then, in this order:
 *   1. closed, issue-suspended (or a suspended actor) → 1 star
 *   2. any open red anomaly → at most 2 stars
 *   3. custody ≥ required, no open complaints and no open anomalies → at least 4 stars
 */
import type { MerchantStatus } from '../../schemas/cards.js';
import type { Rule, Severity } from './anomalies/index.js';

export interface RatingInputs {
  status: MerchantStatus;
  /** The merchant's actor record is suspended (actor.suspend): it can post nothing. */
  actorSuspended: boolean;
  custody: number;
  required: number;
  complaintsOpen: number;
  /** merchant.dispose `warn` actions so far. */
  warnings: number;
  /** Server time (ms) of its first card.issue, if any. */
  firstIssueAt?: number;
  nowMs: number;
  /** Its open anomalies (merchant-subject rules). */
  anomalies: ReadonlyArray<{ rule: Rule; severity: Severity }>;
}

export interface RatingParts {
  fundSafety: number;
  refunds: number;
  complaints: number;
  compliance: number;
  stability: number;
}

export interface Rating {
  score: number;
  stars: number;
  parts: RatingParts;
}

export const ESTABLISHED_MS = 90 * 24 * 3600 * 1000;

/** Stars from a 0–100 score, before the caps. */
export const starsFromScore = (score: number): number => (score >= 90 ? 5 : score >= 75 ? 4 : score >= 60 ? 3 : score >= 40 ? 2 : 1);

/** ⌊25 × custody / required⌋ exactly (the figures are safe integers; their product may not be). */
const shortFunds = (custody: number, required: number): number => Number((25n * BigInt(custody)) / BigInt(required));

export const scoreParts = (i: RatingInputs): RatingParts => {
  const open = (rule: Rule) => i.anomalies.find((a) => a.rule === rule);
  const refund = open('refund-overdue');
  return {
    fundSafety: i.custody >= i.required ? 35 : shortFunds(i.custody, i.required),
    refunds: !refund ? 20 : refund.severity === 'yellow' ? 10 : 0,
    complaints: open('complaint-surge') ? 0 : Math.max(0, 20 - 4 * i.complaintsOpen - (open('complaint-overdue') ? 8 : 0)),
    compliance: Math.max(0, 15 - 5 * i.warnings),
    stability: open('sales-spike') ? 0 : i.firstIssueAt === undefined || i.nowMs - i.firstIssueAt < ESTABLISHED_MS ? 5 : 10,
  };
};

export const rate = (i: RatingInputs): Rating => {
  const parts = scoreParts(i);
  const score = parts.fundSafety + parts.refunds + parts.complaints + parts.compliance + parts.stability;
  let stars = starsFromScore(score);
  if (i.status === 'closed' || i.status === 'suspendedIssuing' || i.actorSuspended) stars = 1;
  else if (i.anomalies.some((a) => a.severity === 'red')) stars = Math.min(stars, 2);
  else if (i.custody >= i.required && i.complaintsOpen === 0 && i.anomalies.length === 0) stars = Math.max(stars, 4);
  return { score, stars, parts };
};
