/**
 * /: a starting point for people without a QR code at hand — type a trace code
 * or a merchant id (GET forms to /trace and /m, which redirect to the pages).
 */
import type { PageContext } from './context.js';
import { html } from './html.js';
import { renderPage } from './layout.js';

export const renderHome = (ctx: PageContext): string => {
  const { t } = ctx;
  const hidden = ctx.explicit ? html`<input type="hidden" name="lang" value="${ctx.lang}">` : '';
  const body = html`<article class="home">
<header class="product"><h1>${t.homeTitle}</h1></header>
<section class="card"><form class="stack-form" action="/trace" method="get"><label>${t.homeTraceLabel}<input name="code" maxlength="64" required autocomplete="off"></label>${hidden}<button type="submit">${t.homeTraceButton}</button></form></section>
<section class="card"><form class="stack-form" action="/m" method="get"><label>${t.homeMerchantLabel}<input name="id" maxlength="64" required autocomplete="off"></label>${hidden}<button type="submit">${t.homeMerchantButton}</button></form></section>
<p><a href="${ctx.link('/regulator')}">${t.homeRegulator}</a></p>
</article>`;
  return renderPage(ctx, { title: t.homeTitle, body });
};
