/**
 * PROVISIONAL merchant stars (SPEC §10), until the regulator issue replaces this
 * module with the published 100-point score and its anomalies. It implements
 * only the guarantees that need no anomalies:
 *   - a closed or issue-suspended merchant has 1 star;
 *   - custody ≥ required and no open complaints → at least 4 stars, however new.
 * Otherwise a simple score over what card state knows: fund safety 35 (custody
 * vs required), complaints 20 (open vs total), compliance 15 (warnings),
 * refunds 20 and stability 10 granted in full (they need anomaly data).
 */
import type { MerchantRecord } from '../../schemas/cards.js';

/** Stars (1–5) from a 0–100 score: 90+ → 5, 75+ → 4, 60+ → 3, 40+ → 2, else 1. */
export const starsFromScore = (score: number): number => (score >= 90 ? 5 : score >= 75 ? 4 : score >= 60 ? 3 : score >= 40 ? 2 : 1);

/** The provisional 100-point score; pure over the merchant record. */
export const provisionalScore = (m: MerchantRecord): number => {
  const funds = m.required === 0 ? 35 : 35 * Math.min(1, m.custody / m.required);
  const complaints = m.complaintsTotal === 0 ? 20 : 20 * (1 - Math.min(1, m.complaintsOpen / Math.max(3, m.complaintsTotal)));
  const compliance = Math.max(0, 15 - 5 * m.warnings);
  return Math.round(funds + complaints + compliance + 20 + 10);
};

export const merchantStars = (m: MerchantRecord): number => {
  if (m.status === 'closed' || m.status === 'suspendedIssuing') return 1;
  const stars = starsFromScore(provisionalScore(m));
  return m.custody >= m.required && m.complaintsOpen === 0 ? Math.max(4, stars) : stars;
};
