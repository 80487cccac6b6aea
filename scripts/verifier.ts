/**
 * `anxin verifier --out DIR --log URL --policy FILE` (SPEC §12, "A verifier
 * anyone can host"): writes a static site — HTML, the compiled browser modules
 * and CSS, no server code — that anyone (a regulator, a consumer association, a
 * CDN) can host. It pins, in its HTML, the log's origin and verifier key and the
 * whole tlog-policy (witnesses and quorum), reads the log at URL cross-origin
 * (public reads answer CORS: src/tlog/cors.ts), and runs the very module the
 * service's own /trace page runs (src/pages/browser/trace-page.ts).
 *
 * Pages: trace.html?code=CODE, and card.html?card=ID (src/pages/browser/card-page.ts:
 * the holder imports the key file their wallet exports, the card view is read with
 * a request signed by it, and checked and shown by the module /wallet runs). What
 * is copied is the import closure of the page modules (followed through the
 * compiled files' relative imports) plus the @noble packages they import by name,
 * so nothing server-side ends up in DIR.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { parsePolicy, toBase64Url, type Suite } from '../ledger/portable.js';
import { html, trusted, type Html } from '../src/pages/html.js';
import { messages, type Lang } from '../src/pages/browser/messages.js';
import { walletMessages } from '../src/pages/browser/wallet-messages.js';
import { DIST_ROOT, PROJECT_ROOT } from '../src/pages/assets.js';

export interface VerifierSite {
  /** The pinned origin (the policy's log key name). */
  origin: string;
  /** Files written, relative to DIR. */
  files: string[];
}

const require = createRequire(import.meta.url);

/** The compiled modules `entry` imports, transitively, by relative path (dist/-relative paths). */
const closure = (entry: string): string[] => {
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(join(DIST_ROOT, file), 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*'(\.{1,2}\/[^']+)'/g)) walk(join(dirname(file), m[1]));
  };
  walk(entry);
  return [...seen].sort();
};

const copyTree = (from: string, to: string, files: string[], base: string): void => {
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    if (statSync(src).isDirectory()) copyTree(src, join(to, name), files, base);
    else if (name.endsWith('.js')) {
      mkdirSync(to, { recursive: true });
      copyFileSync(src, join(to, name));
      files.push(relative(base, join(to, name)));
    }
  }
};

/** The CSP of the static pages: scripts from the site itself and the hashed import map; reads only from the log. */
export const verifierCsp = (importMap: string, log: string): string =>
  [
    "default-src 'none'",
    `script-src 'self' 'sha256-${createHash('sha256').update(importMap).digest('base64')}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${new URL(log).origin}`,
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');

interface Pinned {
  origin: string;
  key: string;
  policy: string;
  log: string;
  importMap: string;
}

/** A page of the site: the pinned anchor, policy and log in <meta>, the CSP, and its module. */
const sitePage = (lang: Lang, o: Pinned, title: string, module: string, body: Html): string =>
  html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${verifierCsp(o.importMap, o.log)}">
<meta name="referrer" content="no-referrer">
<title>${title} · ${messages(lang).brand}</title>
<meta name="anxin-origin" content="${o.origin}">
<meta name="anxin-operator-key" content="${o.key}">
<meta name="anxin-policy" content="${o.policy}">
<meta name="anxin-log" content="${o.log}">
<link rel="stylesheet" href="pages.css">
<script type="importmap">${trusted(o.importMap)}</script>
<script type="module" src="js/src/pages/browser/${module}"></script>
</head>
<body>
<main class="narrow">
${body}
</main>
</body>
</html>
`.text;

const tracePage = (lang: Lang, o: Pinned): string => {
  const t = messages(lang);
  return sitePage(
    lang,
    o,
    t.traceTitle,
    'trace-page.js',
    html`<article class="trace">
<section class="banner" data-status="" role="status"><strong class="banner-title">${t.verifyPending}</strong></section>
<section class="verify" data-verify="pending" aria-live="polite">
<p class="verify-line"><span class="verify-icon" aria-hidden="true"></span><span class="verify-text">${t.verifyPending}</span></p>
<ul class="verify-problems" hidden></ul>
<p class="verify-what small">${t.verifyWhat}</p>
</section>
<div data-render="verified"></div>
</article>`,
  );
};

const cardPage = (lang: Lang, o: Pinned): string => {
  const w = walletMessages(lang);
  return sitePage(
    lang,
    o,
    w.walletTitle,
    'card-page.js',
    html`<h1>${w.walletTitle}</h1>
<section class="card">
<h2>${w.walletKey}</h2>
<p class="small">${w.walletKeyHint}</p>
<p class="mono small" data-holder-key>${w.walletNoKey}</p>
<label>${w.walletImport} <input type="file" accept=".key,.json,application/json" data-import-key></label>
</section>
<div data-cards></div>`,
  );
};

/** Writes the site into `out` (created when missing); throws on a bad policy or URL. */
export const writeVerifierSite = (suite: Suite, o: { out: string; log: string; policy: string; lang?: Lang }): VerifierSite => {
  const url = new URL(o.log);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`--log: ${o.log} is not an http(s) URL`);
  const policy = parsePolicy(suite, o.policy);
  if (policy.logs.length !== 1) throw new Error(`--policy: name exactly one log (it names ${policy.logs.length})`);
  const logKey = policy.logs[0].key;
  if (!existsSync(join(DIST_ROOT, 'src/pages/browser/trace-page.js'))) throw new Error('the compiled pages are missing: run npm run build');
  const files: string[] = [];
  mkdirSync(o.out, { recursive: true });
  const modules = new Set([...closure('src/pages/browser/trace-page.js'), ...closure('src/pages/browser/card-page.js')]);
  for (const f of [...modules].sort()) {
    const to = join(o.out, 'js', f);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(DIST_ROOT, f), to);
    files.push(join('js', f));
  }
  copyTree(dirname(require.resolve('@noble/ed25519')), join(o.out, 'vendor/@noble/ed25519'), files, o.out);
  copyTree(dirname(require.resolve('@noble/hashes/sha2.js')), join(o.out, 'vendor/@noble/hashes'), files, o.out);
  copyFileSync(join(PROJECT_ROOT, 'public/pages.css'), join(o.out, 'pages.css'));
  files.push('pages.css');
  const importMap = JSON.stringify({
    imports: { '@noble/ed25519': './vendor/@noble/ed25519/index.js', '@noble/hashes/': './vendor/@noble/hashes/' },
  });
  const log = url.href.replace(/\/+$/, '');
  const pinned: Pinned = { origin: logKey.name, key: toBase64Url(logKey.publicKey), policy: o.policy, log, importMap };
  writeFileSync(join(o.out, 'trace.html'), tracePage(o.lang ?? 'zh-CN', pinned));
  writeFileSync(join(o.out, 'card.html'), cardPage(o.lang ?? 'zh-CN', pinned));
  files.push('trace.html', 'card.html');
  return { origin: logKey.name, files: files.sort() };
};
