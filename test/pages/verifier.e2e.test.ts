/**
 * Attacks on what a consumer's browser is shown, in headless Chromium: the
 * static verifier site (`anxin verifier`, SPEC §12) served from one origin,
 * reading the log through a hostile mirror on another origin that edits the trace
 * view in flight; and the service's own /trace page with its HTML or view edited
 * in flight. Each attack must end in `data-verify="failed"` or in the truth shown.
 * The service is witnessed by a real replaying `anxin witness` (demo-server.ts),
 * so its views carry cosigned checkpoints and subject notes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Page } from 'playwright-core';
import {
  COSIGNATURE_TYPE,
  ED25519_TYPE,
  formatVkey,
  fromBase64Url,
  fromHex,
  nodeSuite,
  parseNote,
  signCheckpoint,
} from '../../ledger/index.js';
import { writeVerifierSite } from '../../scripts/verifier.js';
import { newKey } from '../helpers/fixture.js';
import { verdict } from './browser.js';
import { demoInBrowser } from './demo-server.js';

const witness = newKey('w1.example');
const t = demoInBrowser({ witness });

const listen = async (handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> => {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const a = server.address();
  return { url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, server };
};

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };
/** A plain static file server: what a CDN or a regulator's web host would be. */
const serveDir = (dir: string) =>
  listen((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = readFileSync(join(dir, path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });

/** The current edit the mirror applies to trace and card views (identity by default). */
let edit: (view: any) => any = (v) => v;
/**
 * A hostile mirror of the log: forwards GET /v1/trace/{code} and the holder's signed GET /v1/cards/{card}
 * (with their signature headers, and their CORS preflight) to the service, and edits the view.
 */
const mirror = () =>
  listen(async (req, res) => {
    if (req.method === 'OPTIONS') {
      const pre = await fetch(`${t.demo.url}${req.url}`, { method: 'OPTIONS' });
      const headers: Record<string, string> = {};
      pre.headers.forEach((value, name) => (headers[name] = value));
      res.writeHead(pre.status, headers).end();
      return;
    }
    const signed = Object.fromEntries(
      ['signature', 'signature-input'].flatMap((n) => (req.headers[n] ? [[n, String(req.headers[n])]] : [])),
    );
    const upstream = await fetch(`${t.demo.url}${req.url}`, { headers: signed });
    const view = edit(await upstream.json());
    res.writeHead(upstream.status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end(JSON.stringify(view));
  });

let work: string;
let mirrorAt: { url: string; server: Server };
const sites: Record<string, { url: string; server: Server }> = {};

const policyText = (anchor: { origin: string; operatorKey: string }, quorum: boolean) =>
  [
    `log ${formatVkey(nodeSuite, anchor.origin, ED25519_TYPE, fromBase64Url(anchor.operatorKey)!).vkey}`,
    ...(quorum
      ? [`witness w1 ${formatVkey(nodeSuite, 'w1.example', COSIGNATURE_TYPE, nodeSuite.publicKey(witness.seed)).vkey}`, 'quorum w1']
      : ['quorum none']),
    '',
  ].join('\n');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'anxin-verifier-'));
  mirrorAt = await mirror();
  const anchor = await (await fetch(`${t.demo.url}/v1/ledger`)).json();
  for (const [name, log, quorum] of [
    ['direct', t.demo.url, false],
    ['mirror', mirrorAt.url, false],
    ['witnessed', mirrorAt.url, true],
  ] as const) {
    const out = join(work, name);
    writeVerifierSite(nodeSuite, { out, log, policy: policyText(anchor, quorum) });
    sites[name] = await serveDir(out);
  }
}, 60_000);

afterEach(() => {
  edit = (v) => v;
});

afterAll(async () => {
  for (const s of [mirrorAt, ...Object.values(sites)]) s?.server.close();
  rmSync(work, { recursive: true, force: true });
});

const open = async (site: string, code: string, page?: Page): Promise<Page> => {
  const p = page ?? (await t.browser.page());
  await p.goto(`${sites[site].url}/trace.html?code=${encodeURIComponent(code)}`);
  return p;
};
const checkState = (page: Page, name: string) => page.getAttribute(`[data-check="${name}"]`, 'data-state');
/** A signed note with only its first (the operator's) signature line. */
const operatorOnly = (note: string) => {
  const parsed = parseNote(note)!;
  return `${parsed.text}\n${parsed.signatures[0].line}\n`;
};

describe('the static verifier site, served from its own origin', () => {
  test('when it reads the service cross-origin, then it verifies the fillet and builds the page from the verified entries only', async () => {
    const code = t.demo.story.trace.fillet;
    const view = await (await fetch(`${t.demo.url}/v1/trace/${code}`)).json();
    const page = await open('direct', code);
    expect(await verdict(page)).toBe('ok');
    expect(await page.getAttribute('[data-status]', 'data-status')).toBe('active');
    expect(await page.locator('[data-index]').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.index)))).toEqual(
      view.timeline.map((x: { index: number }) => x.index),
    );
    expect(await page.locator('h1').textContent()).toBe('大黄鱼鱼片（冰鲜）');
    expect([await checkState(page, 'signature'), await checkState(page, 'quorum'), await checkState(page, 'completeness')]).toEqual([
      'ok',
      'unavailable',
      'ok',
    ]);
    expect(await page.locator('.verify-time').textContent()).toContain('仅由账本运营方签名');
    await page.close();
  }, 60_000);

  test('when the lot is recalled, then the page derives recalled from the verified entries', async () => {
    const page = await open('mirror', t.demo.story.trace.recalledFillet);
    expect(await verdict(page)).toBe('ok');
    expect(await page.getAttribute('[data-status]', 'data-status')).toBe('recalled');
    await page.close();
  }, 60_000);

  test('when the mirror changes the stated status of a recalled lot to active, then the check fails and the page shows recalled', async () => {
    edit = (v) => ({ ...v, status: 'active' });
    const page = await open('mirror', t.demo.story.trace.recalledFillet);
    expect(await verdict(page)).toBe('failed');
    expect(await checkState(page, 'rules')).toBe('failed');
    expect(await page.getAttribute('[data-status]', 'data-status')).toBe('recalled');
    await page.close();
  }, 60_000);

  test('when the mirror reorders the timeline, then the inclusion check fails', async () => {
    edit = (v) => {
      [v.timeline[0], v.timeline[1]] = [v.timeline[1], v.timeline[0]];
      return v;
    };
    const page = await open('mirror', t.demo.story.trace.fillet);
    expect(await verdict(page)).toBe('failed');
    expect(await checkState(page, 'inclusion')).toBe('failed');
    await page.close();
  }, 60_000);

  test('when the mirror re-signs the checkpoint with a key of its own, then the signature check fails', async () => {
    const other = newKey('operator');
    edit = (v) => {
      v.checkpoint = signCheckpoint(nodeSuite, other.seed, {
        origin: v.checkpoint.origin,
        size: v.checkpoint.size,
        root: fromHex(v.checkpoint.root)!,
        head: fromHex(v.checkpoint.head)!,
      });
      return v;
    };
    const page = await open('mirror', t.demo.story.trace.fillet);
    expect(await verdict(page)).toBe('failed');
    expect(await checkState(page, 'signature')).toBe('failed');
    await page.close();
  }, 60_000);

  test('when the mirror serves an older view after a newer one was seen, then the freshness check fails', async () => {
    // A second, milder recall of the recalled fillet: an entry about the lot, so its view moves on (its status stays recalled).
    const code = t.demo.story.trace.recalledFillet;
    const older = await (await fetch(`${t.demo.url}/v1/trace/${code}`)).json();
    const posted = await t.demo.f.post(t.demo.f.regulator, 'lot.recall', { code, level: 3, reason: '复核：再次召回' });
    expect(posted.status).toBeLessThan(300);
    const page = await open('mirror', code);
    expect((await (await fetch(`${t.demo.url}/v1/trace/${code}`)).json()).checkpoint.size).toBeGreaterThan(older.checkpoint.size);
    expect(await verdict(page)).toBe('ok');
    edit = () => structuredClone(older);
    await open('mirror', code, page);
    expect(await verdict(page)).toBe('failed');
    expect(await checkState(page, 'freshness')).toBe('failed');
    await page.close();
  }, 60_000);

  test('when a witness quorum is pinned, then the witnessed view verifies with the witnessed time, and one stripped of either cosignature fails', async () => {
    const page = await open('witnessed', t.demo.story.trace.fillet);
    expect(await verdict(page)).toBe('ok');
    expect(await checkState(page, 'quorum')).toBe('ok');
    expect(await page.getAttribute('.verify-time', 'data-witnessed')).toMatch(/^\d+$/);
    await page.close();
    for (const strip of [
      (v: any) => ({ ...v, checkpoint: { ...v.checkpoint, note: operatorOnly(v.checkpoint.note) } }),
      (v: any) => ({ ...v, completeness: { ...v.completeness, note: operatorOnly(v.completeness.note) } }),
    ]) {
      edit = strip;
      const stripped = await open('witnessed', t.demo.story.trace.fillet);
      expect(await verdict(stripped)).toBe('failed');
      expect(await checkState(stripped, 'quorum')).toBe('failed');
      await stripped.close();
    }
  }, 60_000);

  // Dropping an entry keeps every remaining inclusion proof valid: only the completeness commitment catches it.
  test.each([
    ['the recall entry', (e: any) => e.event.type === 'lot.recall'],
    ['the failed inspection', (e: any) => e.event.type === 'lot.inspect' && e.event.body.result === 'fail'],
    ['the recall and the failed inspection', (e: any) => e.event.type === 'lot.recall' || e.event.body.result === 'fail'],
  ])('when the mirror drops %s and says active, then the completeness check fails', async (_what, dropped) => {
    let before = 0;
    edit = (v) => {
      before = v.timeline.length;
      return { ...v, status: 'active', timeline: v.timeline.filter((e: any) => !dropped(e)) };
    };
    const page = await open('mirror', t.demo.story.trace.recalledFillet);
    expect(await verdict(page)).toBe('failed');
    expect(await checkState(page, 'completeness')).toBe('failed');
    expect(await page.locator('[data-index]').count()).toBe(0); // nothing is shown from a view that did not verify
    expect(before).toBeGreaterThan(0);
    await page.close();
  });
});

describe("the static verifier's card page, with the holder's key imported", () => {
  const CARD = 'GYM-0001';
  const openCard = async (site: string): Promise<Page> => {
    const page = await t.browser.page();
    await page.goto(`${sites[site].url}/card.html?card=${CARD}`);
    await page.waitForSelector('html[data-ready="true"]');
    const key = JSON.stringify(t.demo.story.keys.get(`card:${CARD}`));
    await page.setInputFiles('[data-import-key]', { name: 'anxin-holder.key', mimeType: 'application/json', buffer: Buffer.from(key) });
    await page.waitForSelector(`[data-card="${CARD}"] [data-verify]`);
    return page;
  };
  const cardVerdict = (page: Page) => page.getAttribute(`[data-card="${CARD}"] [data-verify]`, 'data-verify');
  const balance = () => t.demo.f.ledger.get<{ balance: number }>(`card/${CARD}`)!.balance;

  test('when the holder imports the key, then the card read cross-origin verifies against the pinned quorum and shows the replayed balance', async () => {
    const page = await openCard('witnessed');
    expect(await cardVerdict(page)).toBe('ok');
    expect(await checkState(page, 'quorum')).toBe('ok');
    expect(await checkState(page, 'completeness')).toBe('ok');
    expect(Number(await page.getAttribute(`[data-card="${CARD}"]`, 'data-balance'))).toBe(balance());
    expect(await page.getAttribute('.verify-time', 'data-witnessed')).toMatch(/^\d+$/);
    await page.close();
  }, 60_000);

  test('when the mirror drops a consumption and restates the balance, then the card fails on completeness and no balance is shown', async () => {
    edit = (v) => {
      const consume = v.entries.find((e: any) => e.event.type === 'card.consume');
      return {
        ...v,
        entries: v.entries.filter((e: any) => e !== consume),
        card: { ...v.card, balance: v.card.balance + consume.event.body.amount },
      };
    };
    const page = await openCard('witnessed');
    expect(await cardVerdict(page)).toBe('failed');
    expect(await checkState(page, 'completeness')).toBe('failed');
    expect(await page.getAttribute(`[data-card="${CARD}"]`, 'data-balance')).toBeNull();
    await page.close();
  }, 60_000);

  test('when the mirror strips the cosignatures, then the quorum fails', async () => {
    edit = (v) => ({ ...v, checkpoint: { ...v.checkpoint, note: operatorOnly(v.checkpoint.note) } });
    const page = await openCard('witnessed');
    expect([await cardVerdict(page), await checkState(page, 'quorum')]).toEqual(['failed', 'failed']);
    await page.close();
  }, 60_000);
});

describe("the service's own trace page", () => {
  test('when its HTML is edited in flight to show a recalled lot as active, then the check fails and the banner shows recalled', async () => {
    const code = t.demo.story.trace.recalledFillet;
    const page = await t.browser.page();
    await page.route(`**/trace/${code}`, async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace('data-status="recalled"', 'data-status="active"');
      await route.fulfill({ response, body });
    });
    await page.goto(`${t.demo.url}/trace/${code}`);
    expect(await verdict(page)).toBe('failed');
    expect(await checkState(page, 'rules')).toBe('failed');
    expect(await page.getAttribute('[data-status]', 'data-status')).toBe('recalled');
    await page.close();
  }, 60_000);

  test('when the status title is reworded in flight, then the page puts back the words of the verified status', async () => {
    const code = t.demo.story.trace.recalledFillet;
    const page = await t.browser.page();
    await page.route(`**/trace/${code}`, async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace('已召回：请勿食用', '正常：可放心食用');
      await route.fulfill({ response, body });
    });
    await page.goto(`${t.demo.url}/trace/${code}`);
    await verdict(page);
    expect(await page.locator('.banner-title').textContent()).toBe('已召回：请勿食用');
    await page.close();
  }, 60_000);
});

describe('anxin verifier', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/scripts/anxin.js', 'verifier', ...args], { encoding: 'utf8' });

  test('when given a policy and a log URL, then it writes trace.html and card.html pinning them, and no server code', async () => {
    const out = join(work, 'cli');
    const policy = join(work, 'policy.txt');
    writeFileSync(policy, policyText(await (await fetch(`${t.demo.url}/v1/ledger`)).json(), true));
    const r = cli('--out', out, '--log', 'https://log.example/', '--policy', policy);
    expect(r.status).toBe(0);
    const html = readFileSync(join(out, 'trace.html'), 'utf8');
    expect(html).toContain('<meta name="anxin-log" content="https://log.example">');
    expect(html).toContain('connect-src https://log.example');
    expect(html).toContain('quorum w1');
    const card = readFileSync(join(out, 'card.html'), 'utf8');
    expect(card).toContain('<meta name="anxin-log" content="https://log.example">');
    expect(card).toContain('src="js/src/pages/browser/card-page.js"');
    const listed = spawnSync('find', [out, '-name', '*.js'], { encoding: 'utf8' }).stdout;
    expect(listed).not.toMatch(/store-level|service|app\.js|routes/);
  });

  test('when the policy is not a policy or the URL not http(s), then it exits 2', () => {
    const bad = join(work, 'bad-policy.txt');
    writeFileSync(bad, 'nonsense here\n');
    expect(cli('--out', join(work, 'x'), '--log', 'https://log.example', '--policy', bad).status).toBe(2);
    expect(cli('--out', join(work, 'y'), '--log', 'file:///etc', '--policy', join(work, 'policy.txt')).status).toBe(2);
  });
});
