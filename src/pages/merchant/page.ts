/**
 * /m/{merchantId}: what a consumer checks before buying a prepaid card (SPEC
 * §11): filed or not, stars (`data-stars`), whether custody meets the
 * requirement (`data-custody-ok`), the merchant status (`data-status`), open
 * complaints, and a QR code of the page. Built from the public merchant view of
 * GET /v1/merchants/{id} — nothing a regulator-only view holds.
 *
 * Beside the live score, the last published rating (`rating.publish`, SPEC §14)
 * with its period, publication date and ledger proof: the entry's index and leaf,
 * the checkpoint and the inclusion path are bound in data-* attributes of
 * `[data-published-rating]`, and the browser (browser/merchant-page.ts) verifies
 * them against the trust anchor pinned in the page (`[data-verify]`).
 */
import QRCode from 'qrcode';
import type { MerchantPublic } from '../../../schemas/cards.js';
import type { RatingView } from '../../cards/routes.js';
import { formatTime } from '../browser/format.js';
import { fmt, type Messages } from '../browser/messages.js';
import { partyMessages } from '../browser/party-messages.js';
import type { Anchor } from '../browser/verify-trace.js';
import type { PageContext } from '../context.js';
import { html, trusted, type Html } from '../html.js';
import { renderPage } from '../layout.js';

export interface MerchantPageData {
  view: MerchantPublic;
  region?: string;
  creditCode?: string;
  custodianName?: string;
  /** The page's public URL, which the QR code holds. */
  url: string;
  /** The live score and the last published rating with its proof (GET /v1/merchants/{id}/rating). */
  rating?: RatingView;
  /** The trust anchor the browser verifies the published rating against. */
  anchor?: Anchor;
}

const ratingSection = (ctx: PageContext, v: MerchantPublic, r: RatingView): Html => {
  const { t } = ctx;
  const p = partyMessages(ctx.lang);
  const live = html`<div data-live-rating data-live-score="${r.live.score}" data-live-stars="${r.live.stars}"><dt>${p.ratingLive}</dt><dd>${stars(r.live.stars, t, false)}<span class="small">${fmt(p.ratingScore, { score: r.live.score })}</span></dd></div>`;
  const pub = r.published;
  if (!pub)
    return html`<section class="card rating"><dl class="facts">${live}<div data-published-rating="none"><dt>${p.ratingPublished}</dt><dd class="muted">${p.ratingNone}</dd></div></dl></section>`;
  return html`<section class="card rating"><dl class="facts">${live}
<div class="wide" data-published-rating data-rating-merchant="${v.id}" data-published-score="${pub.score}" data-published-stars="${pub.stars}" data-period="${pub.period}" data-published-at="${pub.at}" data-by="${pub.by}" data-index="${pub.index}" data-leaf="${pub.entry.leaf}" data-checkpoint-size="${pub.checkpoint.size}" data-checkpoint-root="${pub.checkpoint.root}" data-proof="${pub.proof.path.join(' ')}"><dt>${p.ratingPublished}</dt><dd>${stars(pub.stars, t, false)}<span class="small">${fmt(p.ratingScore, { score: pub.score })}</span><br><span class="small">${fmt(p.ratingPeriod, { period: pub.period, at: formatTime(pub.at) })}</span><br><span class="small mono"><a href="/v1/merchants/${encodeURIComponent(v.id)}/rating">${fmt(p.ratingEntry, { index: pub.index })}</a></span></dd></div>
</dl>
<div class="verify" data-verify="pending" aria-live="polite"><p class="verify-line"><span class="verify-icon" aria-hidden="true"></span><span class="verify-text">${p.ratingVerifyPending}</span></p></div>
</section>`;
};

/** The stars; `hook` puts the page's one `data-stars` (SPEC §11) on them — the rating section's stars carry none. */
const stars = (n: number, t: Messages, hook = true): Html =>
  html`<p class="stars"${hook ? html` data-stars="${n}"` : ''} aria-label="${fmt(t.starsOf, { n })}">${[1, 2, 3, 4, 5].map(
    (i) => html`<span class="${i <= n ? 'star on' : 'star'}" aria-hidden="true">★</span>`,
  )}<span class="stars-text">${fmt(t.starsOf, { n })}</span></p>`;

/** Verdict first: what a consumer should do, with the reasons. */
const advice = (v: MerchantPublic, t: Messages): Html => {
  const reasons: string[] = [];
  if (v.status === 'closed') reasons.push(t.reasonClosed);
  if (v.status === 'suspendedIssuing') reasons.push(t.reasonSuspended);
  if (!v.custodyOk) reasons.push(t.reasonCustody);
  if (v.complaintsOpen > 0) reasons.push(t.reasonComplaints);
  if (v.stars <= 2 && reasons.length === 0) reasons.push(t.reasonStars);
  const stop = v.status !== 'active' || v.stars <= 2;
  const text = reasons.length === 0 ? t.adviceGood : fmt(stop ? t.adviceStop : t.adviceCaution, { reasons: reasons.join('；') });
  const tone = reasons.length === 0 ? 'ok' : stop ? 'bad' : 'warn';
  return html`<section class="banner banner-${tone}" role="status"><strong class="banner-title">${text}</strong></section>`;
};

export const renderMerchantPage = async (ctx: PageContext, d: MerchantPageData): Promise<string> => {
  const { t } = ctx;
  const v = d.view;
  const qr = await QRCode.toString(d.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  const body = html`<article class="merchant">
<header class="product"><p class="eyebrow">${t.merchantTitle}</p><h1>${v.name}</h1><p class="filed" data-filed="true"><span class="pill pill-ok">${t.filed}</span> <span class="mono small">${v.id}</span></p></header>
${advice(v, t)}
<section class="card">
<dl class="facts">
<div class="wide"><dt>${t.stars}</dt><dd>${stars(v.stars, t)}</dd></div>
<div><dt>${t.merchantStatus}</dt><dd><span class="pill ${v.status === 'active' ? 'pill-ok' : 'pill-bad'}" data-status="${v.status}">${t[`mstatus_${v.status}`]}</span></dd></div>
<div><dt>${t.complaintsOpen}</dt><dd class="${v.complaintsOpen > 0 ? 'warn-text' : ''}">${fmt(t.complaintsCount, { n: v.complaintsOpen })}</dd></div>
<div class="wide"><dt>${t.custody}</dt><dd><span class="pill ${v.custodyOk ? 'pill-ok' : 'pill-bad'}" data-custody-ok="${String(v.custodyOk)}">${v.custodyOk ? t.custodyOk : t.custodyShort}</span></dd></div>
<div class="wide"><dt>${t.tier}</dt><dd>${t[`tier_${v.tier}`]}</dd></div>
${d.custodianName ? html`<div><dt>${t.custodian}</dt><dd>${d.custodianName}</dd></div>` : ''}
${d.region ? html`<div><dt>${t.region}</dt><dd>${d.region}</dd></div>` : ''}
${d.creditCode ? html`<div class="wide"><dt>${t.creditCode}</dt><dd class="mono">${d.creditCode}</dd></div>` : ''}
</dl>
</section>
${d.rating ? ratingSection(ctx, v, d.rating) : ''}
<section class="card qr"><figure><div class="qr-code">${trusted(qr)}</div><figcaption>${t.qr}<br><span class="mono small">${d.url}</span></figcaption></figure></section>
<p class="small"><a href="/v1/merchants/${encodeURIComponent(v.id)}">${t.rawData}</a></p>
</article>`;
  const verify = d.rating?.published && d.anchor;
  return renderPage(ctx, {
    title: `${v.name} · ${t.merchantTitle}`,
    body,
    ...(verify && { script: 'merchant-page' as const, anchor: d.anchor }),
  });
};

export const renderMerchantNotFound = (ctx: PageContext, id: string): string => {
  const { t } = ctx;
  const body = html`<article class="merchant"><header class="product"><p class="eyebrow">${t.merchantTitle}</p><h1>${fmt(t.merchantNotFound, { id })}</h1></header>
<section class="banner banner-bad" data-filed="false" role="status"><strong class="banner-title">${t.merchantNotFoundHint}</strong></section></article>`;
  return renderPage(ctx, { title: t.merchantTitle, body });
};
