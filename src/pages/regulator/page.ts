/**
 * /regulator: the dashboard's shell. Nothing regulator-only is rendered by the
 * server — every read needs a signed request, made in the browser
 * (browser/regulator-page.ts) with the key file loaded into
 * `<input type="file" data-key-file>` (SPEC §11). The trust anchor is pinned in
 * the page so the browser can check checkpoints and entry proofs itself.
 *
 * One shell for every party that signs in with a key file (SPEC §14): the browser
 * switches on the signed-in actor's role — a regulator gets the dashboard and the
 * complaint desk, a custodian bank or an insurer the party view, a merchant the
 * desk with its own complaints. /bank, /insurer and /complaints are the same
 * page under their own title (`shell`).
 */
import type { Anchor } from '../browser/verify-trace.js';
import type { PageContext } from '../context.js';
import { html } from '../html.js';
import { renderPage } from '../layout.js';
import { partyMessages } from '../browser/party-messages.js';

export type DashShell = 'regulator' | 'bank' | 'insurer' | 'complaints';

export const renderRegulatorPage = (ctx: PageContext, anchor: Anchor, recallCode: string, shell: DashShell = 'regulator'): string => {
  const { t } = ctx;
  const p = partyMessages(ctx.lang);
  const title = { regulator: t.regTitle, bank: p.bankTitle, insurer: p.insurerTitle, complaints: p.deskTitle }[shell];
  const body = html`<article class="dash">
<header class="product"><p class="eyebrow">${t.brandSub}</p><h1>${title}</h1></header>
<section class="card signin" data-signin>
<label class="file-button"><span>${shell === 'regulator' ? t.regSignIn : p.partySignIn}</span><input type="file" accept=".key,.json,application/json" data-key-file></label>
<p class="small muted">${t.regSignInHint}</p>
<p class="error" data-signin-error hidden></p>
</section>
<section class="session" data-session hidden>
<p><span data-who></span> <button type="button" data-refresh>${t.regRefresh}</button> <button type="button" data-sign-out>${t.regSignOut}</button></p>
</section>
<div class="dash-grid" data-dashboard hidden>
<section class="card span2" id="chain"><h2>${t.regChain}</h2><dl class="facts" data-chain></dl>
<p class="verify-run"><span class="small muted">${t.regVerify}</span> <span data-verify-report></span> <button type="button" data-verify-run>${t.regVerifyRun}</button></p></section>
<section class="card span2" id="anomalies"><h2>${t.regAnomalies}</h2><p data-anomaly-counts></p><div data-anomalies></div></section>
<section class="card span2" id="merchants"><h2>${t.regMerchants}</h2><div data-merchants></div></section>
<section class="card span2" id="recalls"><h2>${t.regRecalls}</h2><div data-recalls></div></section>
<section class="card span2" id="recall"><h2>${t.regRecall}</h2>
<form class="inline-form" data-recall-form><label>${t.regRecallCode} <input name="code" value="${recallCode}" maxlength="64" pattern="[A-Za-z0-9][A-Za-z0-9._:\\-]{0,63}" required></label> <button type="submit">${t.regRecallGo}</button></form>
<div data-recall></div></section>
<section class="card span2" id="entry" data-entry-box hidden><h2>${t.regEntry}</h2><div data-entry></div><p><button type="button" data-entry-close>${t.regClose}</button></p></section>
</div>
<div class="dash-grid" data-party-view hidden>
<section class="card span2" id="party"><h2 data-party-title>${p.partyMerchants}</h2><div data-party-merchants></div></section>
<section class="card span2" id="claims"><h2>${p.partyClaims}</h2><div data-party-claims></div></section>
</div>
<div class="dash-grid" data-desk-view hidden>
<section class="card span2" id="desk"><h2>${p.deskTitle}</h2>
<form class="inline-form" data-desk-form>
<label>${p.deskStatus} <select name="status"><option value="">${p.deskAll}</option><option value="open">${p.deskOpen}</option><option value="resolved">${p.deskResolved}</option></select></label>
<label>${p.deskMerchant} <input name="merchant" maxlength="64" pattern="[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}"></label>
<label><input type="checkbox" name="overdue"> ${p.deskOverdueOnly}</label>
<button type="submit">${p.deskFilter}</button></form>
<div data-desk></div>
<p><button type="button" data-desk-more hidden>${p.deskMore}</button></p></section>
</div>
</article>`;
  return renderPage(ctx, { title, body, script: 'regulator-page', anchor, wide: true });
};
