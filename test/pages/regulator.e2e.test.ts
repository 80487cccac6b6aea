/**
 * The regulator dashboard in headless Chromium: signed in by loading the
 * regulator's key file, every read signed in the page, the lists the same as
 * the API's, the key never sent anywhere.
 */
import type { Page, Request } from 'playwright-core';
import { nodeSuite, parseKeyFile } from '../../ledger/index.js';
import { screenshot, sidewaysOverflow } from './browser.js';
import { demoInBrowser } from './demo-server.js';

const t = demoInBrowser();

const keyFile = (text: string) => ({ name: 'regulator.key', mimeType: 'application/json', buffer: Buffer.from(text) });

/** Opens the dashboard, loads `key` into the key-file input and waits for every section to load. */
const signIn = async (page: Page, key: string, query = ''): Promise<Request[]> => {
  const requests: Request[] = [];
  page.on('request', (r) => requests.push(r));
  await page.goto(`${t.demo.url}/regulator${query}`);
  await page.setInputFiles('[data-key-file]', keyFile(key));
  await page.waitForSelector('body[data-loaded="true"]');
  return requests;
};

const api = async (path: string) => {
  const res = await t.demo.f.get(path, t.demo.f.regulator);
  expect(res.status).toBe(200);
  return res.body;
};

const rowsOf = (page: Page, selector: string, attrs: string[]) =>
  page.locator(selector).evaluateAll((els, names) => els.map((e) => names.map((n) => e.getAttribute(n))), attrs);

describe('the regulator dashboard', () => {
  test('signed in with the regulator key file, lists the open anomalies red first, each row with its rule, severity and subject', async () => {
    const page = await t.browser.page();
    await page.setViewportSize({ width: 1280, height: 900 });
    const requests = await signIn(page, t.demo.dashboardKeyFile, `?recall=${t.demo.story.trace.recalledSource}`);

    const red = (await api('/v1/regulator/anomalies?severity=red&limit=100')).anomalies;
    const yellow = (await api('/v1/regulator/anomalies?severity=yellow&limit=100')).anomalies;
    const expected = [...red, ...yellow].map((a: any) => [a.rule, a.severity, a.subject]);
    expect(expected.length).toBeGreaterThan(0);
    expect(await rowsOf(page, '[data-rule]', ['data-rule', 'data-severity', 'data-subject'])).toEqual(expected);
    expect(expected).toContainEqual(['temp-excursion', 'yellow', `${t.demo.story.trace.fillet}-S1`]);

    const merchants = (await api('/v1/regulator/merchants')).merchants.map((m: any) => [m.id, String(m.stars)]);
    expect(await rowsOf(page, '[data-merchant]', ['data-merchant', 'data-stars'])).toEqual(merchants);
    expect(merchants.map(([id]: string[]) => id).sort()).toEqual([...Object.values(t.demo.story.merchants), t.demo.story.closed].sort());

    expect(await page.getAttribute('[data-size]', 'data-size')).toBe(String(t.demo.f.ledger.checkpoint.size));
    expect(await page.getAttribute('[data-checkpoint-ok]', 'data-checkpoint-ok')).toBe('true');
    expect(await page.getAttribute('[data-verified]', 'data-verified')).toBe('true');
    expect(await page.locator('[data-lot]').evaluateAll((els) => els.map((e) => e.getAttribute('data-lot')))).toEqual([
      t.demo.story.trace.recalledSource,
      t.demo.story.trace.recalledFillet,
    ]);

    // Recall progress: the overdue recall is marked red, the one under way is not; each has its chart.
    expect(
      Object.fromEntries(
        await rowsOf(page, '[data-recall-lot]', ['data-recall-lot', 'data-overdue']).then((rows) => rows.map(([a, b]) => [a, b])),
      ),
    ).toMatchObject({ [t.demo.story.trace.overdueRecall]: 'true', [t.demo.story.trace.recalledSource]: 'false' });
    expect(await page.locator('[data-recall-lot] svg.chart path.series').count()).toBeGreaterThan(1);

    const reads = requests.filter((r) => r.url().includes('/v1/regulator/'));
    expect(reads.length).toBeGreaterThan(0);
    for (const r of reads)
      expect(r.headers()['signature-input']).toMatch(
        /^sig1=\("@method" "@path" "@query"\);created=\d+;keyid="regulator-dashboard";alg="ed25519"$/,
      );
    const secret = JSON.parse(t.demo.dashboardKeyFile).secretKey;
    for (const r of requests) expect(`${r.url()} ${JSON.stringify(r.headers())} ${r.postData() ?? ''}`).not.toContain(secret);
    await screenshot(page, 'screenshot-regulator');
    await page.close();
  }, 60_000);

  test('an anomaly links the entries behind it, and the page verifies the entry it opens', async () => {
    const page = await t.browser.page();
    await signIn(page, t.demo.dashboardKeyFile);
    const link = page.locator('[data-rule="temp-excursion"] a[href^="#entry-"]').first();
    const index = (await link.getAttribute('href'))!.slice('#entry-'.length);
    await link.click();
    await page.waitForSelector('[data-entry-verified]');

    expect(await page.getAttribute('[data-entry-verified]', 'data-entry-verified')).toBe('true');
    expect(JSON.parse((await page.locator('[data-entry] pre').textContent())!).index).toBe(Number(index));
    await page.close();
  }, 60_000);

  test('on a phone, signed in, nothing scrolls sideways', async () => {
    const page = await t.browser.page();
    await signIn(page, t.demo.dashboardKeyFile);
    expect(await page.locator('[data-rule]').count()).toBeGreaterThan(0);
    expect(await sidewaysOverflow(page)).toBe(0);
    await page.close();
  }, 60_000);

  test('a file that is not a key file is refused with the reason, and the dashboard stays closed', async () => {
    const page = await t.browser.page();
    await page.goto(`${t.demo.url}/regulator`);
    await page.setInputFiles('[data-key-file]', keyFile('{"id":"regulator","publicKey":"x","secretKey":"y"}'));
    await page.waitForSelector('[data-signin-error]:not([hidden])');

    expect(await page.locator('[data-signin-error]').textContent()).toContain('secretKey');
    expect(await page.locator('[data-dashboard]').isHidden()).toBe(true);
    await page.close();
  }, 60_000);

  test("a merchant's key file signs in to its complaint desk, not the dashboard, and the service refuses it the regulator reads", async () => {
    const gym = t.demo.story.keys.get(t.demo.story.merchants.gym)!;
    const page = await t.browser.page();
    await signIn(page, JSON.stringify(gym));

    expect(await page.getAttribute('body', 'data-role')).toBe('merchant');
    expect(await page.locator('[data-dashboard]').isHidden()).toBe(true);
    expect(await page.locator('[data-rule]').count()).toBe(0);
    const merchants = await page
      .locator('[data-complaint-merchant]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-complaint-merchant')));
    expect(new Set(merchants)).toEqual(new Set([t.demo.story.merchants.gym]));
    const key = parseKeyFile(nodeSuite, JSON.stringify(gym));
    for (const path of ['/v1/regulator/anomalies', '/v1/regulator/merchants'])
      expect((await t.demo.f.get(path, key)).body.code).toBe('forbidden');
    await page.close();
  }, 60_000);
  test.each([['the root regulator', () => t.demo.regulatorKeyFile, 'regulator']])(
    "a regulator's key (%s), which can post, is refused at sign-in: nothing is signed with it and the dashboard stays closed",
    async (_who, key, role) => {
      const page = await t.browser.page();
      const signed: string[] = [];
      page.on('request', (r) => r.headers()['signature-input'] && signed.push(r.url()));
      await page.goto(`${t.demo.url}/regulator`);
      await page.setInputFiles('[data-key-file]', keyFile(key()));
      await page.waitForSelector('[data-signin-error]:not([hidden])');

      expect(await page.locator('[data-signin-error]').textContent()).toContain(`角色：${role}`);
      expect(await page.locator('[data-dashboard]').isHidden()).toBe(true);
      expect(signed).toEqual([]);
      await page.close();
    },
    60_000,
  );
});
