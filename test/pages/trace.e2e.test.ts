/**
 * The consumer trace page in headless Chromium against a real listening service
 * holding the demo story: the browser itself must earn the verified badge, and
 * must lose it when the served view is tampered with in flight.
 */
import type { Page, Route } from 'playwright-core';
import { launch, screenshot, sidewaysOverflow, verdict } from './browser.js';
import { demoInBrowser } from './demo-server.js';

const t = demoInBrowser();

const traceJson = async (code: string) => (await fetch(`${t.demo.url}/v1/trace/${code}`)).json();

/** Serves GET /v1/trace/{code} through `change`, which edits the real response body. */
const tamper = (page: Page, code: string, change: (view: any) => void) =>
  page.route(`**/v1/trace/${code}`, async (route: Route) => {
    const response = await route.fetch();
    const view = await response.json();
    change(view);
    await route.fulfill({ response, json: view });
  });

/** Flips the last hex digit of a hash. */
const flip = (hex: string) => hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0');

describe('the trace page of a demo fillet lot', () => {
  test('shows the journey as a timeline, one item per ledger entry, and the browser verifies every one of them', async () => {
    const code = t.demo.story.trace.fillet;
    const view = await traceJson(code);
    const page = await t.browser.page();
    await page.goto(`${t.demo.url}/trace/${code}`);

    expect(await verdict(page)).toBe('ok');
    const items = page.locator('[data-index]');
    expect(await items.evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.index)))).toEqual(
      view.timeline.map((t: { index: number }) => t.index),
    );
    expect(await page.locator('[data-index].verified').count()).toBe(view.timeline.length);
    expect(await page.getAttribute('[data-status]', 'data-status')).toBe('active');
    expect(await page.locator('h1').textContent()).toBe('大黄鱼鱼片（冰鲜）');
    expect(await page.locator('.verify-text').textContent()).toContain(`${view.timeline.length} 条记录`);
    expect(await page.locator('.chart .band').count()).toBe(1);
    // The volume chart beside it is styled by the stylesheet alone (CSP: no inline style), its bars drawn to scale.
    const bars = page.locator('.chart.volumes rect.bar');
    expect(await bars.count()).toBeGreaterThanOrEqual(2);
    expect(await bars.first().evaluate((el) => getComputedStyle(el).fill)).toBe('rgb(31, 95, 191)');
    expect(await bars.first().evaluate((el) => (el as SVGRectElement).getBBox().width)).toBeGreaterThan(100);
    expect(await page.locator('.excursion.sev-yellow').count()).toBe(1);
    expect(await sidewaysOverflow(page)).toBe(0);
    await screenshot(page, 'screenshot-trace', { firstScreen: true });
    await screenshot(page.locator('section.card', { has: page.locator('.chart .band') }), 'screenshot-trace-chart');
    await page.close();
  }, 60_000);

  test('when one hash of a served inclusion proof is changed, the page shows that verification failed for that record', async () => {
    const code = t.demo.story.trace.fillet;
    const page = await t.browser.page();
    let tampered = -1;
    await tamper(page, code, (view) => {
      tampered = view.timeline[2].index;
      view.proofs[tampered][0] = flip(view.proofs[tampered][0]);
    });
    await page.goto(`${t.demo.url}/trace/${code}`);

    expect(await verdict(page)).toBe('failed');
    expect(await page.locator('.verify-problems').isVisible()).toBe(true);
    expect(await page.locator('.verify-problems li').allTextContents()).toContain(`记录 #${tampered} 的包含证明无效`);
    expect(await page.locator(`[data-index="${tampered}"]`).getAttribute('class')).toContain('unverified');
    await page.close();
  }, 60_000);

  test('when the server changes what an event says (keeping its leaf), the page shows that verification failed', async () => {
    const code = t.demo.story.trace.fillet;
    const page = await t.browser.page();
    await tamper(page, code, (view) => {
      view.timeline[0].event.body.quantity.amount = 6000;
    });
    await page.goto(`${t.demo.url}/trace/${code}`);

    expect(await verdict(page)).toBe('failed');
    expect(await page.locator('.verify-problems li').first().textContent()).toMatch(/内容与其哈希不符/);
    await page.close();
  }, 60_000);

  test('when the checkpoint is not the one the operator signed, the page shows that verification failed', async () => {
    const code = t.demo.story.trace.fillet;
    const page = await t.browser.page();
    await tamper(page, code, (view) => {
      view.checkpoint.root = flip(view.checkpoint.root);
    });
    await page.goto(`${t.demo.url}/trace/${code}`);

    expect(await verdict(page)).toBe('failed');
    expect(await page.locator('.verify-problems li').allTextContents()).toEqual(['检查点签名无效']);
    await page.close();
  }, 60_000);

  test('in English by its language link, and still verified in the browser', async () => {
    const page = await t.browser.page();
    await page.goto(`${t.demo.url}/trace/${t.demo.story.trace.fillet}`);
    await page.click('a[lang="en"]');
    await page.waitForURL(/lang=en/);

    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('.banner-title').textContent()).toBe('In good standing');
    expect(await verdict(page)).toBe('ok');
    expect(await page.locator('.verify-text').textContent()).toMatch(/^\d+ records verified \(see each check below/);
    expect(await sidewaysOverflow(page)).toBe(0);
    await page.close();
  }, 60_000);

  test('in English on a phone set to English, unless ?lang=zh-CN says otherwise', async () => {
    const english = await launch({ locale: 'en-GB' });
    try {
      const page = await english.page();
      await page.goto(`${t.demo.url}/trace/${t.demo.story.trace.fillet}`);
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      expect(await page.locator('.banner-title').textContent()).toBe('In good standing');
      await page.goto(`${t.demo.url}/trace/${t.demo.story.trace.fillet}?lang=zh-CN`);
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
      expect(await page.locator('.banner-title').textContent()).toBe('正常：可放心食用');
    } finally {
      await english.close();
    }
  }, 60_000);
});

describe('the trace page of a recalled lot', () => {
  test('shows a red banner with the recall level and reason, and the browser still verifies the record', async () => {
    const page = await t.browser.page();
    await page.goto(`${t.demo.url}/trace/${t.demo.story.trace.recalledFillet}`);

    const banner = page.locator('[data-status]');
    expect(await banner.getAttribute('data-status')).toBe('recalled');
    expect(await banner.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(180, 35, 24)');
    expect(await banner.textContent()).toContain('二级召回');
    expect(await banner.textContent()).toContain('恩诺沙星残留超标');
    expect(await banner.textContent()).toContain(`源头批次 ${t.demo.story.trace.recalledSource} 被召回`);
    expect(await verdict(page)).toBe('ok');
    expect(await sidewaysOverflow(page)).toBe(0);
    await screenshot(page, 'screenshot-trace-recalled', { firstScreen: true });
    await page.close();
  }, 60_000);
});
