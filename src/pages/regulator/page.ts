/**
 * /regulator: the dashboard's shell. Nothing regulator-only is rendered by the
 * server — every read needs a signed request, made in the browser
 * (browser/regulator-page.ts) with the key file loaded into
 * `<input type="file" data-key-file>` (SPEC §11). The trust anchor is pinned in
 * the page so the browser can check checkpoints and entry proofs itself.
 */
import type { Anchor } from '../browser/verify-trace.js';
import type { PageContext } from '../context.js';
import { html } from '../html.js';
import { renderPage } from '../layout.js';

export const renderRegulatorPage = (ctx: PageContext, anchor: Anchor, recallCode: string): string => {
  const { t } = ctx;
  const body = html`<article class="dash">
<header class="product"><p class="eyebrow">${t.brandSub}</p><h1>${t.regTitle}</h1></header>
<section class="card signin" data-signin>
<label class="file-button"><span>${t.regSignIn}</span><input type="file" accept=".key,.json,application/json" data-key-file></label>
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
<section class="card span2" id="recall"><h2>${t.regRecall}</h2>
<form class="inline-form" data-recall-form><label>${t.regRecallCode} <input name="code" value="${recallCode}" maxlength="64" pattern="[A-Za-z0-9][A-Za-z0-9._:\\-]{0,63}" required></label> <button type="submit">${t.regRecallGo}</button></form>
<div data-recall></div></section>
<section class="card span2" id="entry" data-entry-box hidden><h2>${t.regEntry}</h2><div data-entry></div><p><button type="button" data-entry-close>${t.regClose}</button></p></section>
</div>
</article>`;
  return renderPage(ctx, { title: t.regTitle, body, script: 'regulator-page', anchor, wide: true });
};
