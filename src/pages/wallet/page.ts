/**
 * /wallet (the holder's, SPEC §14) and /pos (the merchant's counter): shells only.
 * Keys live in the browser (IndexedDB for the holder, the loaded key file for the
 * counter); every card figure is fetched, signed and verified there
 * (browser/wallet-page.ts, browser/pos-page.ts). The trust anchor is pinned in the page.
 */
import { walletMessages } from '../browser/wallet-messages.js';
import type { Anchor } from '../browser/verify-trace.js';
import type { PageContext } from '../context.js';
import { html } from '../html.js';
import { renderPage } from '../layout.js';

export const renderWalletPage = (ctx: PageContext, anchor: Anchor): string => {
  const w = walletMessages(ctx.lang);
  const body = html`<article class="wallet">
    <header class="product"><h1>${w.walletTitle}</h1></header>
    <section class="card" data-confirm-box hidden>
      <h2 data-confirm-title>${w.confirmTitle}</h2>
      <dl class="facts">
        <dt>${w.confirmMerchant}</dt>
        <dd data-confirm-merchant></dd>
        <dt>${w.confirmCard}</dt>
        <dd data-confirm-card></dd>
        <dt>${w.confirmAmount}</dt>
        <dd data-confirm-amount></dd>
      </dl>
      <p class="badge" data-confirm-verify="pending"></p>
      <p><button type="button" data-confirm disabled>${w.confirmButton}</button></p>
      <p data-result></p>
    </section>
    <section class="card">
      <h2>${w.walletKey}</h2>
      <p class="mono small" data-holder-key>${w.walletNoKey}</p>
      <p class="small muted">${w.walletKeyHint}</p>
      <p>
        <button type="button" data-new-key>${w.walletNewKey}</button>
        <button type="button" data-export-key>${w.walletExport}</button>
        <label class="file-button"
          ><span>${w.walletImport}</span><input type="file" accept=".key,.json,application/json" data-import-key
        /></label>
      </p>
    </section>
    <section class="card">
      <h2>${w.walletCards}</h2>
      <form class="inline-form" data-add-form>
        <label>${w.walletAddCard} <input name="card" maxlength="64" pattern="[A-Za-z0-9][A-Za-z0-9._:\\-]{0,63}" required /></label>
        <button type="submit">${w.walletAdd}</button>
      </form>
      <div data-cards></div>
    </section>
  </article>`;
  return renderPage(ctx, { title: w.walletTitle, body, script: 'wallet-page', anchor });
};

export const renderPosPage = (ctx: PageContext, anchor: Anchor): string => {
  const w = walletMessages(ctx.lang);
  const body = html`<article class="pos">
    <header class="product"><h1>${w.posTitle}</h1></header>
    <section class="card signin">
      <label class="file-button"><span>${w.posSignIn}</span><input type="file" accept=".key,.json,application/json" data-key-file /></label>
      <p class="mono small" data-who></p>
      <p class="error" data-signin-error hidden></p>
    </section>
    <section class="card" data-pos hidden>
      <form data-pos-form>
        <label>${w.posCard} <input name="card" maxlength="64" pattern="[A-Za-z0-9][A-Za-z0-9._:\\-]{0,63}" required /></label>
        <label>${w.posAmount} <input name="amount" inputmode="decimal" pattern="[0-9]+(\\.[0-9]{1,2})?" required /></label>
        <label>${w.posOrder} <input name="order" maxlength="100" /></label>
        <button type="submit">${w.posMake}</button>
      </form>
      <div data-pos-out hidden>
        <p class="small">${w.posLinkHint}</p>
        <p><img data-qr alt="QR" width="240" height="240" /></p>
        <p class="mono small"><a data-pos-link href="#"></a></p>
      </div>
    </section>
  </article>`;
  return renderPage(ctx, { title: w.posTitle, body, script: 'pos-page', anchor });
};
