/**
 * The page shell every page shares, and the security headers that go with it.
 *
 * Pages run under a strict Content-Security-Policy: scripts only from this
 * origin (plain ES modules, no inline code or event handlers) plus the one
 * inline import map, allowed by its hash; styles only from /assets. The import
 * map points the bare @noble/* specifiers of the compiled portable modules at
 * /vendor, so the browser runs the very code the server and client run.
 */
import { createHash } from 'node:crypto';
import type { Response } from 'express';
import type { PageContext } from './context.js';
import { html, trusted, type Html } from './html.js';
import type { Anchor } from './browser/verify-trace.js';

const IMPORT_MAP = JSON.stringify({
  imports: { '@noble/ed25519': '/vendor/@noble/ed25519/index.js', '@noble/hashes/': '/vendor/@noble/hashes/' },
});
const IMPORT_MAP_HASH = createHash('sha256').update(IMPORT_MAP).digest('base64');

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src 'self' 'sha256-${IMPORT_MAP_HASH}'`,
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The browser modules under /js/src/pages/browser/. */
export type PageScript = 'trace-page' | 'regulator-page' | 'wallet-page' | 'pos-page' | 'merchant-page';

export interface PageOptions {
  title: string;
  body: Html;
  script?: PageScript;
  /** The trust anchor pinned in the page (GET /v1/ledger), for pages that verify. */
  anchor?: Anchor;
  /** Dashboard width instead of phone-first single column. */
  wide?: boolean;
}

export const renderPage = (ctx: PageContext, o: PageOptions): string => {
  const { t } = ctx;
  const page = html`<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${o.title} · ${t.brand}</title>
${
  o.anchor
    ? html`<meta name="anxin-origin" content="${o.anchor.origin}">
<meta name="anxin-operator-key" content="${o.anchor.operatorKey}">
`
    : ''
}<link rel="stylesheet" href="/assets/pages.css">
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
${
  o.script
    ? html`<script type="importmap">${trusted(IMPORT_MAP)}</script>
<script type="module" src="/js/src/pages/browser/${o.script}.js"></script>
`
    : ''
}</head>
<body>
<header class="bar"><div class="bar-in${o.wide ? ' wide' : ''}">
<a class="brand" href="${ctx.link('/')}"><span class="mark" aria-hidden="true">安</span><span>${t.brand}</span><small>${t.brandSub}</small></a>
<nav class="langs" aria-label="Language"><a href="${ctx.switchTo('zh-CN')}" lang="zh-CN"${ctx.lang === 'zh-CN' ? html` aria-current="true"` : ''}>${t.langZh}</a><a href="${ctx.switchTo('en')}" lang="en"${ctx.lang === 'en' ? html` aria-current="true"` : ''}>${t.langEn}</a></nav>
</div></header>
<main class="${o.wide ? 'wide' : 'narrow'}">
${o.body}
</main>
<footer class="${o.wide ? 'wide' : 'narrow'}"><p>${t.footerLedger} ${t.footerTime}</p></footer>
</body>
</html>
`;
  return page.text;
};

/** Sends a page with its security headers; `Vary` because the language may come from Accept-Language. */
export const sendPage = (res: Response, ctx: PageContext, status: number, body: string): void => {
  res
    .status(status)
    .set({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Content-Language': ctx.lang,
      Vary: 'Accept-Language',
      'Cache-Control': 'no-cache',
    })
    .type('html')
    .send(body);
};
