/**
 * A merchant's rating as of now, from committed state: its card figures, its
 * first issue, and its open anomalies at the current clock. Used by both views
 * of GET /v1/merchants/{id} and by the regulators' merchant list.
 */
import type { Merchant } from '../cards/index.js';
import { firstIssueAt, merchantAnomalies, type Anomaly } from './anomalies/index.js';
import type { Reader } from './anomalies/types.js';
import { rate, type Rating } from './rating.js';

export const rateMerchant = (state: Reader, merchant: Merchant, nowMs: number): { rating: Rating; anomalies: Anomaly[] } => {
  const anomalies = merchantAnomalies(state, merchant.actor.id, nowMs);
  const m = merchant.record;
  const rating = rate({
    status: m.status,
    actorSuspended: merchant.actor.status === 'suspended',
    custody: m.custody,
    required: m.required,
    complaintsOpen: m.complaintsOpen,
    warnings: m.warnings,
    firstIssueAt: firstIssueAt(state, merchant.actor.id),
    nowMs,
    anomalies,
  });
  return { rating, anomalies };
};

/** The `stars` field of both merchant views (SPEC §10). */
export const merchantStars = (state: Reader, merchant: Merchant, nowMs: number): number =>
  rateMerchant(state, merchant, nowMs).rating.stars;
