/** The prepaid-card check in headless Chromium, against the demo story's merchants. */
import { screenshot, sidewaysOverflow } from './browser.js';
import { demoInBrowser } from './demo-server.js';

const t = demoInBrowser();

const publicView = async (id: string) => (await fetch(`${t.demo.url}/v1/merchants/${id}`)).json();

describe('the merchant page', () => {
  test('of a well-run merchant shows it filed, its stars, custody met, no open complaint, and a QR code of the page', async () => {
    const id = t.demo.story.merchants.gym;
    const view = await publicView(id);
    const page = await t.browser.page();
    const res = await page.goto(`${t.demo.url}/m/${id}`);

    expect(res?.status()).toBe(200);
    expect(await page.getAttribute('[data-filed]', 'data-filed')).toBe('true');
    expect(await page.getAttribute('[data-stars]', 'data-stars')).toBe(String(view.stars));
    expect(await page.getAttribute('[data-custody-ok]', 'data-custody-ok')).toBe('true');
    expect(await page.getAttribute('[data-status]', 'data-status')).toBe('active');
    expect(await page.locator('.qr-code svg').count()).toBe(1);
    expect(await page.locator('.banner-title').textContent()).toMatch(/^可以放心购卡/);
    expect(await sidewaysOverflow(page)).toBe(0);
    await screenshot(page, 'screenshot-merchant');
    await page.close();
  }, 60_000);

  test('of the school that stopped classes shows one star, custody short, card sales suspended, and tells you not to buy', async () => {
    const id = t.demo.story.merchants.school;
    const view = await publicView(id);
    const page = await t.browser.page();
    await page.goto(`${t.demo.url}/m/${id}`);

    expect(await page.getAttribute('[data-stars]', 'data-stars')).toBe(String(view.stars));
    expect(view.stars).toBe(1);
    expect(await page.getAttribute('[data-custody-ok]', 'data-custody-ok')).toBe('false');
    expect(await page.getAttribute('[data-status]', 'data-status')).toBe('suspendedIssuing');
    expect(await page.locator('.banner-title').textContent()).toMatch(/^请勿购卡/);
    expect(await sidewaysOverflow(page)).toBe(0);
    await screenshot(page, 'screenshot-merchant-suspended');
    await page.close();
  }, 60_000);

  test('of an id that no merchant filed under says so, with 404', async () => {
    const page = await t.browser.page();
    const res = await page.goto(`${t.demo.url}/m/m-unknown-99?lang=en`);

    expect(res?.status()).toBe(404);
    expect(await page.getAttribute('[data-filed]', 'data-filed')).toBe('false');
    expect(await page.locator('h1').textContent()).toBe('Not filed: m-unknown-99');
    await page.close();
  }, 60_000);
});
