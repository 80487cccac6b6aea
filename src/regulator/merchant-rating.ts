/**
 * A merchant's rating as of now, from committed state: its card figures, its
 * first issue, and its open anomalies at the current clock. Used by both views
 * of GET /v1/merchants/{id} and by the regulators' merchant list.
 */
import type { Ledger } from '../../ledger/index.js';
import { getPublishedRating, type Merchant } from '../cards/index.js';
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

/**
 * The rating read of a merchant: the live score, and the last publication that
 * rated it with its entry and an inclusion proof against the current checkpoint.
 * Shared by GET /v1/merchants/{id}/rating and the /m/{id} page.
 */
export const ratingView = async (
  ledger: Pick<Ledger, 'get' | 'checkpoint' | 'entry' | 'proveInclusion'>,
  merchant: Merchant,
  nowMs: number,
) => {
  const { rating } = rateMerchant(ledger, merchant, nowMs);
  const live = { score: rating.score, stars: rating.stars };
  const merchantId = merchant.actor.id;
  const published = getPublishedRating(ledger, merchantId);
  if (!published) return { merchant: merchantId, live, published: null };
  const checkpoint = ledger.checkpoint;
  const entry = ledger.entry(published.index)!;
  const path = await ledger.proveInclusion(published.index, checkpoint.size);
  return { merchant: merchantId, live, published: { ...published, entry, proof: { size: checkpoint.size, path }, checkpoint } };
};

export type RatingView = Awaited<ReturnType<typeof ratingView>>;
