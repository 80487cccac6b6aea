/**
 * The trace page's verification, run in the browser (SPEC §11, §12): fetch the
 * trace view, check it with @noble against the trust anchor pinned in the page's
 * <meta> (origin and operator key; on a hosted verifier also the tlog-policy with
 * its witness quorum), and replay the rules over the verified entries to derive
 * the lot's status (verify-trace.ts). Then:
 *
 *   - the badge's `data-verify` becomes "ok" or "failed"; each named check
 *     (signature, quorum, freshness, inclusion, completeness, rules) is listed with
 *     `data-check` and `data-state` (ok | failed | unavailable), in words;
 *   - the status banner shows the derived status: a page whose server-rendered
 *     banner says otherwise is corrected and fails the rules check;
 *   - the checkpoint's time is the witnesses' cosignature time when a quorum is
 *     pinned and met, else the page says it is only operator-signed.
 *
 * The same module runs on the service's /trace/{code} (server-rendered content,
 * view read from the same origin) and on the static verifier's trace.html
 * (`anxin verifier`: no server content; the view is read from the log URL in
 * <meta name="anxin-log"> and the page is built from the verified entries only).
 * The largest checkpoint size accepted is remembered per log origin and trace
 * code (seen.ts), so an older view of that lot served later fails the freshness
 * check. The checks and the checkpoint's time are shown by verify-badge.ts, as
 * on the card views.
 */
import { nobleSuite } from '../../../ledger/suite-noble.js';
import { fill, h, one } from './dom.js';
import { formatTime } from './format.js';
import { fmt, lookup, messages, type Lang } from './messages.js';
import { pinned } from './pinned.js';
import { remember, seenSize } from './seen.js';
import { showChecks } from './verify-badge.js';
import { verifyTraceView, type Anchor, type Problem, type ShownEntry, type TraceCheck } from './verify-trace.js';

const lang: Lang = document.documentElement.lang === 'en' ? 'en' : 'zh-CN';
const t = messages(lang);

const failedWith = (p: Problem): TraceCheck => ({
  ok: false,
  verified: [],
  problems: [p],
  checks: [{ name: 'signature', state: 'failed', detail: p.detail }],
});

const check = async (
  anchor: Anchor,
  log: string,
  code: string,
  shown: ShownEntry[],
  status?: string,
): Promise<{ result: TraceCheck; view?: unknown }> => {
  let view: unknown;
  try {
    const res = await fetch(`${log}/v1/trace/${encodeURIComponent(code)}`, { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok) return { result: failedWith({ code: 'malformed', detail: `HTTP ${res.status}` }) };
    view = await res.json();
  } catch (e) {
    return { result: failedWith({ code: 'fetch', detail: String(e) }) };
  }
  return {
    result: verifyTraceView(nobleSuite, view, anchor, { code, shown, status, seenSize: seenSize(`${anchor.origin} ${code}`) }),
    view,
  };
};

const describe = (p: Problem): string => fmt(lookup(t, `verifyProblem_${p.code}`, p.detail), { index: p.index ?? '' });

/** The status banner, rewritten to what the verified entries say. */
const showStatus = (banner: HTMLElement, status: string): void => {
  const title = lookup(t, `status_${status}`, status);
  if (banner.dataset.status === status) {
    // The same status: only its title is put back in the catalogue's words (a page may not reword it).
    const el = banner.querySelector('.banner-title');
    if (el && el.textContent !== title) el.textContent = title;
    return;
  }
  banner.dataset.status = status;
  banner.className = `banner banner-${status === 'recalled' || status === 'held' ? 'bad' : status === 'expired' ? 'warn' : 'ok'}`;
  fill(banner, h('strong', { class: 'banner-title' }, title));
};

/** The static verifier's body, built from the verified entries only. */
const renderVerified = (
  root: HTMLElement,
  result: TraceCheck,
  view: { timeline: Array<{ index: number; at: string; event: { type: string; body: unknown } }> },
): void => {
  const d = result.derived;
  if (!d) return;
  const verified = new Set(result.verified);
  const items = view.timeline.filter((e) => verified.has(e.index));
  fill(
    root,
    h('h1', {}, d.product?.name ?? d.code),
    h(
      'dl',
      { class: 'facts' },
      h('div', {}, h('dt', {}, t.traceCode), h('dd', { class: 'mono' }, d.code)),
      d.origins.length
        ? h(
            'div',
            { class: 'wide' },
            h('dt', {}, t.origin),
            h(
              'dd',
              {},
              d.origins.map((o) => h('p', {}, o.place)),
            ),
          )
        : null,
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t.journey),
      h(
        'ol',
        { class: 'timeline' },
        items.map((e) =>
          h(
            'li',
            { 'data-index': e.index },
            h('strong', {}, lookup(t, `ev_${e.event.type.replace('.', '_')}`, e.event.type)),
            ' · ',
            h('time', { datetime: e.at }, formatTime(e.at)),
          ),
        ),
      ),
    ),
  );
};

const run = async (): Promise<void> => {
  const badge = one('[data-verify]');
  const banner = one('[data-status]');
  const { anchor, log } = pinned();
  const fromPath = /\/trace\/([^/]+)$/.exec(location.pathname)?.[1];
  const code = badge.dataset.code || new URLSearchParams(location.search).get('code') || (fromPath ? decodeURIComponent(fromPath) : '');
  const root = document.querySelector<HTMLElement>('[data-render="verified"]');
  const items = Array.from(document.querySelectorAll<HTMLElement>('[data-index]'));
  const shown = items.map((el) => ({ index: Number(el.dataset.index), leaf: el.dataset.leaf ?? '' }));
  const pageStatus = root ? undefined : banner.dataset.status;
  const { result, view } = await check(anchor, log, code, shown, pageStatus);

  if (result.derived && result.checks.find((c) => c.name === 'signature')?.state === 'ok') showStatus(banner, result.derived.status);
  if (root && result.ok && view) renderVerified(root, result, view as Parameters<typeof renderVerified>[2]);
  if (result.ok && result.checkpoint) remember(`${anchor.origin} ${code}`, result.checkpoint.size);

  const verified = new Set(result.verified);
  for (const el of items) el.classList.add(verified.has(Number(el.dataset.index)) && result.ok ? 'verified' : 'unverified');
  one('.verify-text', badge).textContent = result.ok ? fmt(t.verifyOkPartial, { n: result.verified.length }) : t.verifyFailed;
  const problems = one<HTMLUListElement>('.verify-problems', badge);
  fill(
    problems,
    result.problems.slice(0, 20).map((p) => h('li', { title: p.detail }, describe(p))),
  );
  problems.hidden = result.ok;
  showChecks(badge, problems, t, result.checks, result.checkpoint, t.completenessNotClaimed);
  badge.dataset.verify = result.ok ? 'ok' : 'failed';
};

run().catch((e) => {
  const badge = document.querySelector<HTMLElement>('[data-verify]');
  if (badge) {
    badge.dataset.verify = 'failed';
    const text = badge.querySelector('.verify-text');
    if (text) text.textContent = `${t.verifyFailed} (${String(e)})`;
  }
});
