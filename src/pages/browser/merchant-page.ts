/**
 * /m/{id} in the browser: verifies the published rating the page shows (SPEC
 * §14) — fetch GET /v1/merchants/{id}/rating, check the checkpoint signature
 * against the origin and operator key pinned in the page's <meta>, the entry's
 * leaf and inclusion proof, that the entry rates this merchant as stated, and
 * that the page shows what was verified (rating-proof.ts). Then
 * `[data-verify]` becomes "ok" or "failed" with the reason.
 */
import { nobleSuite } from '../../../ledger/suite-noble.js';
import { meta, one } from './dom.js';
import { fmt } from './messages.js';
import { partyMessages } from './party-messages.js';
import { checkPublishedRating } from './rating-proof.js';

const p = partyMessages(document.documentElement.lang);

const run = async (badge: HTMLElement, box: HTMLElement): Promise<void> => {
  const merchant = box.dataset.ratingMerchant ?? '';
  const anchor = { origin: meta('anxin-origin'), operatorKey: meta('anxin-operator-key') };
  const res = await fetch(`/v1/merchants/${encodeURIComponent(merchant)}/rating`, {
    headers: { accept: 'application/json' },
    cache: 'no-store',
  });
  const bad = res.ok
    ? checkPublishedRating(nobleSuite, await res.json(), anchor, {
        merchant,
        index: Number(box.dataset.index),
        leaf: box.dataset.leaf ?? '',
        score: Number(box.dataset.publishedScore),
        stars: Number(box.dataset.publishedStars),
      })
    : `HTTP ${res.status}`;
  one('.verify-text', badge).textContent = bad ? fmt(p.ratingVerifyBad, { detail: bad }) : p.ratingVerifyOk;
  badge.dataset.verify = bad ? 'failed' : 'ok';
};

const box = document.querySelector<HTMLElement>('[data-published-rating]');
const badge = document.querySelector<HTMLElement>('[data-verify]');
if (box && badge)
  run(badge, box).catch((e) => {
    badge.dataset.verify = 'failed';
    one('.verify-text', badge).textContent = fmt(p.ratingVerifyBad, { detail: String(e) });
  });
