/**
 * The trace page's verification, run in the browser (SPEC §11): fetch GET
 * /v1/trace/{code}, check every inclusion proof and the checkpoint signature
 * with @noble against the origin and operator key pinned in the page's <meta>,
 * and check that every timeline item on the page is one of the verified entries.
 * Then the badge's `data-verify` becomes "ok" or "failed"; a failure lists what
 * did not verify, in words, and marks the timeline items that are not verified.
 */
import { nobleSuite } from '../../../ledger/suite-noble.js';
import { fill, h, meta, one } from './dom.js';
import { fmt, lookup, messages, type Lang } from './messages.js';
import { verifyTraceView, type Problem, type ShownEntry, type TraceCheck } from './verify-trace.js';

const lang: Lang = document.documentElement.lang === 'en' ? 'en' : 'zh-CN';
const t = messages(lang);

const check = async (code: string, shown: ShownEntry[]): Promise<TraceCheck> => {
  const anchor = { origin: meta('anxin-origin'), operatorKey: meta('anxin-operator-key') };
  let view: unknown;
  try {
    const res = await fetch(`/v1/trace/${encodeURIComponent(code)}`, { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok) return { ok: false, verified: [], problems: [{ code: 'malformed', detail: `HTTP ${res.status}` }] };
    view = await res.json();
  } catch (e) {
    return { ok: false, verified: [], problems: [{ code: 'fetch', detail: String(e) }] };
  }
  return verifyTraceView(nobleSuite, view, anchor, { code, shown });
};

const describe = (p: Problem): string => fmt(lookup(t, `verifyProblem_${p.code}`, p.detail), { index: p.index ?? '' });

const run = async (): Promise<void> => {
  const badge = one('[data-verify]');
  const items = Array.from(document.querySelectorAll<HTMLElement>('[data-index]'));
  const shown = items.map((el) => ({ index: Number(el.dataset.index), leaf: el.dataset.leaf ?? '' }));
  const result = await check(badge.dataset.code ?? '', shown);
  const verified = new Set(result.verified);
  for (const el of items) el.classList.add(verified.has(Number(el.dataset.index)) && result.ok ? 'verified' : 'unverified');
  one('.verify-text', badge).textContent = result.ok ? fmt(t.verifyOk, { n: result.verified.length }) : t.verifyFailed;
  const list = one<HTMLUListElement>('.verify-problems', badge);
  fill(
    list,
    result.problems.slice(0, 20).map((p) => h('li', { title: p.detail }, describe(p))),
  );
  list.hidden = result.ok;
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
