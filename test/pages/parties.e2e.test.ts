/**
 * The card parties' pages in headless Chromium on a 390 px phone (SPEC §14):
 * the bank, the insurer, a merchant and the regulator each sign in with a key
 * file on the dashboard shell and see their rows — the same as the API's — with
 * every read signed in the page and the key never sent; /m/{id} verifies its
 * published rating in the browser. Data: the demo story, plus one more closed
 * merchant with an open claim, all posted as signed events.
 */
import type { Page, Request } from 'playwright-core';
import { nodeSuite, parseKeyFile } from '../../ledger/index.js';
import { sidewaysOverflow, screenshot } from './browser.js';
import { demoInBrowser } from './demo-server.js';

const t = demoInBrowser();
const BANK = 'bank-hz-01';
const INSURER = 'insurer-picc-hz';
const LATE = 'm-hz-late-spa-09';

const keyFileOf = (id: string) => JSON.stringify(t.demo.story.keys.get(id));

beforeAll(async () => {
  // A second closed merchant of the same bank and insurer: one anonymous card of ¥500, ¥100 paid out of custody.
  const { f } = t.demo;
  const merchant = await f.register(LATE, 'merchant', { name: '晚来美容', merchant: { tier: 'scale', custodian: BANK, insurer: INSURER } });
  const bank = parseKeyFile(nodeSuite, keyFileOf(BANK));
  const ok = async (req: PromiseLike<{ status: number; body: unknown }>) => {
    const res = await req;
    if (res.status !== 201) throw new Error(`seed refused: ${res.status} ${JSON.stringify(res.body)}`);
  };
  await ok(f.post(merchant, 'card.issue', { card: 'LATE-C-1', kind: 'anonymous', amount: 50_000, payment: 'mobile', purchaser: 'person' }));
  await ok(f.post(bank, 'custody.deposit', { merchant: LATE, amount: 20_000, ref: 'LATE-DEP-1' }));
  await ok(f.post(f.regulator, 'merchant.dispose', { merchant: LATE, action: 'close', reason: '门店关闭' }));
  await ok(f.post(bank, 'custody.payout', { merchant: LATE, card: 'LATE-C-1', amount: 10_000, ref: 'LATE-PAY-1' }));
}, 60_000);

const keyFile = (text: string) => ({ name: 'party.key', mimeType: 'application/json', buffer: Buffer.from(text) });

const signIn = async (page: Page, path: string, key: string): Promise<Request[]> => {
  const requests: Request[] = [];
  page.on('request', (r) => requests.push(r));
  await page.goto(`${t.demo.url}${path}`);
  await page.setInputFiles('[data-key-file]', keyFile(key));
  await page.waitForSelector('body[data-loaded="true"]');
  return requests;
};

const rows = (page: Page, selector: string, attrs: string[]) =>
  page.locator(selector).evaluateAll((els, names) => els.map((e) => names.map((n) => e.getAttribute(n))), attrs);

/** Every request the page made to the API was signed by `keyid`, and none carried the secret key. */
const signedOnly = (requests: Request[], key: string, keyid: string) => {
  const reads = requests.filter((r) => new URL(r.url()).pathname.startsWith('/v1/') && !r.url().includes('/v1/actors/'));
  expect(reads.length).toBeGreaterThan(0);
  for (const r of reads) expect(r.headers()['signature-input']).toContain(`keyid="${keyid}"`);
  const secret = JSON.parse(key).secretKey;
  for (const r of requests) expect(`${r.url()} ${JSON.stringify(r.headers())} ${r.postData() ?? ''}`).not.toContain(secret);
};

describe('the bank view', () => {
  test('signed in with the bank key file, lists its merchants with custody, required and releasable, and the closure claims paid so far', async () => {
    const page = await t.browser.page();
    const key = keyFileOf(BANK);
    const requests = await signIn(page, '/bank', key);

    expect(await page.getAttribute('body', 'data-role')).toBe('custodian');
    expect(await page.locator('[data-dashboard]').isHidden()).toBe(true);
    const api = (await t.demo.f.get(`/v1/custodians/${BANK}/merchants`, parseKeyFile(nodeSuite, key))).body.merchants;
    expect(
      await rows(page, '[data-party-merchant]', ['data-party-merchant', 'data-custody', 'data-required', 'data-releasable-consumption']),
    ).toEqual(api.map((m: any) => [m.id, String(m.custody), String(m.required), String(m.releasable.consumption)]));
    expect(api.map((m: any) => m.id)).toContain(LATE);
    // Every claim of both closed merchants, paid or not.
    const claims = Object.fromEntries(await rows(page, '[data-claim]', ['data-claim', 'data-outstanding']));
    expect(claims).toMatchObject({ 'LATE-C-1': '40000' });
    expect(Object.keys(claims)).toHaveLength(4);
    expect(await rows(page, '[data-claims-merchant]', ['data-claims-merchant', 'data-claim-total', 'data-claim-paid'])).toEqual(
      expect.arrayContaining([
        [t.demo.story.closed, '420000', '420000'],
        [LATE, '50000', '10000'],
      ]),
    );
    signedOnly(requests, key, BANK);
    expect(await sidewaysOverflow(page)).toBe(0);
    await screenshot(page, 'screenshot-bank');
    await page.close();
  }, 60_000);
});

describe('the insurer view', () => {
  test('signed in with the insurer key file, shows its closed merchants and only the claims still open', async () => {
    const page = await t.browser.page();
    const key = keyFileOf(INSURER);
    const requests = await signIn(page, '/insurer', key);

    expect(await page.getAttribute('body', 'data-role')).toBe('insurer');
    expect(await rows(page, '[data-party-merchant]', ['data-party-merchant', 'data-status'])).toEqual(
      expect.arrayContaining([
        [t.demo.story.closed, 'closed'],
        [LATE, 'closed'],
      ]),
    );
    expect(await page.locator('[data-party-merchant]').count()).toBe(2);
    // The spa is paid to the fen: no open claim of it is listed; the late spa's card is.
    expect(await rows(page, '[data-claim]', ['data-claim', 'data-claim-merchant', 'data-outstanding'])).toEqual([
      ['LATE-C-1', LATE, '40000'],
    ]);
    signedOnly(requests, key, INSURER);
    expect(await sidewaysOverflow(page)).toBe(0);
    await page.close();
  }, 60_000);
});

describe('the complaint desk', () => {
  test('a merchant signed in sees only its own complaints, with the 12315 number, its response and the overdue mark', async () => {
    const salon = t.demo.story.merchants.salon;
    const page = await t.browser.page();
    const key = keyFileOf(salon);
    const requests = await signIn(page, '/complaints', key);

    expect(await page.getAttribute('body', 'data-role')).toBe('merchant');
    const shown = await rows(page, '[data-complaint]', ['data-complaint', 'data-complaint-merchant', 'data-overdue', 'data-ref12315']);
    expect(shown.length).toBeGreaterThan(0);
    for (const [, merchant] of shown) expect(merchant).toBe(salon);
    expect(shown).toContainEqual(['CMP-12315-0003', salon, 'true', '3301002026000233']);
    expect(await page.locator('[data-complaint="CMP-12315-0003"] [data-response]').textContent()).toContain('免费重做');
    expect(await page.locator('[data-complaint="CMP-12315-0003"] [data-overdue-mark]').count()).toBe(1);
    // Its merchant filter is fixed to itself; every complaint read asked for its own.
    expect(await page.locator('[data-desk-form] input[name="merchant"]').isDisabled()).toBe(true);
    const reads = requests.filter((r) => r.url().includes('/v1/complaints'));
    expect(reads.length).toBeGreaterThan(0);
    for (const r of reads) expect(new URL(r.url()).searchParams.get('merchant')).toBe(salon);
    signedOnly(requests, key, salon);
    expect(await sidewaysOverflow(page)).toBe(0);
    await screenshot(page, 'screenshot-complaints');
    await page.close();
  }, 60_000);

  test('the regulator’s read-only dashboard key sees every complaint, and the filters narrow it: by merchant, by status, overdue only', async () => {
    const page = await t.browser.page();
    await signIn(page, '/regulator', t.demo.dashboardKeyFile);

    const all = (await t.demo.f.get('/v1/complaints?limit=100', t.demo.f.regulator)).body.complaints;
    expect(await rows(page, '[data-complaint]', ['data-complaint'])).toEqual(all.map((c: any) => [c.complaint]));
    const school = t.demo.story.merchants.school;

    await page.fill('[data-desk-form] input[name="merchant"]', school);
    await page.click('[data-desk-form] button[type="submit"]');
    await page.waitForFunction((m) => {
      const els = Array.from(document.querySelectorAll('[data-complaint-merchant]'));
      return els.length > 0 && els.every((e) => e.getAttribute('data-complaint-merchant') === m);
    }, school);
    const bySchool = all.filter((c: any) => c.merchant === school).map((c: any) => [c.complaint]);
    expect(await rows(page, '[data-complaint]', ['data-complaint'])).toEqual(bySchool);

    await page.fill('[data-desk-form] input[name="merchant"]', '');
    await page.selectOption('[data-desk-form] select[name="status"]', 'resolved');
    await page.click('[data-desk-form] button[type="submit"]');
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('[data-complaint-status]')).every((e) => e.getAttribute('data-complaint-status') === 'resolved'),
    );
    const resolved = all.filter((c: any) => c.status === 'resolved').map((c: any) => [c.complaint]);
    expect(resolved.length).toBeGreaterThan(0);
    expect(await rows(page, '[data-complaint]', ['data-complaint'])).toEqual(resolved);

    await page.selectOption('[data-desk-form] select[name="status"]', '');
    await page.check('[data-desk-form] input[name="overdue"]');
    await page.click('[data-desk-form] button[type="submit"]');
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('[data-complaint]')).every((e) => e.getAttribute('data-overdue') === 'true'),
    );
    const overdue = all.filter((c: any) => c.overdue).map((c: any) => [c.complaint]);
    expect(overdue.length).toBeGreaterThan(0);
    expect(await rows(page, '[data-complaint]', ['data-complaint'])).toEqual(overdue);
    await page.close();
  }, 60_000);
});

describe('the merchant page', () => {
  test('shows the last published rating beside the live score, with its date, and verifies its ledger proof in the browser', async () => {
    const id = t.demo.story.merchants.gym;
    const api = await (await fetch(`${t.demo.url}/v1/merchants/${id}/rating`)).json();
    const page = await t.browser.page();
    await page.goto(`${t.demo.url}/m/${id}`);
    await page.waitForSelector('[data-verify]:not([data-verify="pending"])');

    expect(await page.getAttribute('[data-verify]', 'data-verify')).toBe('ok');
    expect(await page.getAttribute('[data-published-rating]', 'data-published-stars')).toBe(String(api.published.stars));
    expect(await page.getAttribute('[data-published-rating]', 'data-index')).toBe(String(api.published.index));
    expect(await page.getAttribute('[data-live-rating]', 'data-live-score')).toBe(String(api.live.score));
    expect(await page.locator('[data-published-rating]').textContent()).toContain(api.published.period);
    expect(await sidewaysOverflow(page)).toBe(0);
    await screenshot(page, 'screenshot-merchant-rating');
    await page.close();
  }, 60_000);

  test('when the rating read is tampered with on the way, the page says the proof failed', async () => {
    const id = t.demo.story.merchants.gym;
    const page = await t.browser.page();
    await page.route(`**/v1/merchants/${id}/rating`, async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      body.published.entry.event.body.ratings = body.published.entry.event.body.ratings.map((r: any) => ({ ...r, stars: 5, score: 100 }));
      body.published.stars = 5;
      body.published.score = 100;
      await route.fulfill({ response: res, json: body });
    });
    await page.goto(`${t.demo.url}/m/${id}`);
    await page.waitForSelector('[data-verify]:not([data-verify="pending"])');
    expect(await page.getAttribute('[data-verify]', 'data-verify')).toBe('failed');
    await page.close();
  }, 60_000);
});
