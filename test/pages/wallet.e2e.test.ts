/**
 * The counter and the wallet (SPEC §14) in headless Chromium, on the demo story:
 * the tea house's counter on a desktop browser, the holder on a 390 px phone, and
 * (for a transfer) a friend's phone — three separate browser contexts, each with
 * its own IndexedDB. A co-signed consumption, a refused one (amount tampered in
 * the link), a replayed link that stays one entry, a refund request and a transfer.
 */
import type { Page } from 'playwright-core';
import { fromBase64Url, toBase64Url, utf8 } from '../../ledger/index.js';
import { launch, screenshot, sidewaysOverflow, type Browser } from './browser.js';
import { demoInBrowser } from './demo-server.js';

const t = demoInBrowser();
const CARD = 'TEA-0002';
let counter: Browser;
let friend: Browser;
let phone: Page;
let pos: Page;

const keyFile = (id: string) => ({
  name: `${id}.key`,
  mimeType: 'application/json',
  buffer: Buffer.from(JSON.stringify(t.demo.story.keys.get(id))),
});
const balance = async (page: Page) => Number(await page.getAttribute(`[data-card="${CARD}"]`, 'data-balance'));
const cardOnLedger = () => t.demo.f.ledger.get<{ balance: number; holderKey: string }>(`card/${CARD}`)!;

/** The counter makes a payment link for `yuan`; returns its path (/wallet/confirm#…). */
const makeLink = async (yuan: string): Promise<string> => {
  await pos.fill('[data-pos-form] input[name="card"]', CARD);
  await pos.fill('[data-pos-form] input[name="amount"]', yuan);
  await pos.click('[data-pos-form] button[type="submit"]');
  await pos.waitForSelector('[data-pos-out]:not([hidden])');
  const href = (await pos.getAttribute('[data-pos-link]', 'href'))!;
  await pos.waitForFunction(() => (document.querySelector('[data-qr]') as HTMLImageElement).naturalWidth > 0);
  return href;
};

const openConfirm = async (path: string) => {
  await phone.goto('about:blank');
  await phone.goto(`${t.demo.url}${path}`);
  await phone.waitForSelector('[data-confirm-verify]:not([data-confirm-verify="pending"])');
};

beforeAll(async () => {
  counter = await launch({ viewport: { width: 1200, height: 900 } });
  friend = await launch();
  pos = await counter.page();
  await pos.goto(`${t.demo.url}/pos`);
  await pos.setInputFiles('[data-key-file]', keyFile(t.demo.story.merchants.tea));
  await pos.waitForSelector('[data-pos]:not([hidden])');
  phone = await t.browser.page();
  await phone.goto(`${t.demo.url}/wallet`);
  await phone.setInputFiles('[data-import-key]', keyFile(`card:${CARD}`));
  await phone.fill('[data-add-form] input[name="card"]', CARD);
  await phone.click('[data-add-form] button[type="submit"]');
  await phone.waitForSelector(`[data-card="${CARD}"] [data-verify="ok"]`);
}, 120_000);
afterAll(async () => {
  await counter?.close();
  await friend?.close();
});

describe('the wallet and the counter', () => {
  test('when the holder adds a card, then its balance is verified in the browser with every proof, on a 390 px phone', async () => {
    expect(await balance(phone)).toBe(cardOnLedger().balance);
    expect(await sidewaysOverflow(phone)).toBe(0);
    await screenshot(phone, 'screenshot-wallet');
  }, 60_000);

  test('when the counter shows a link and the holder confirms it, then the consumption is co-signed, posted and the balance drops', async () => {
    const before = cardOnLedger().balance;
    const path = await makeLink('12.34');
    await openConfirm(path);
    expect(await phone.getAttribute('[data-confirm-verify]', 'data-confirm-verify')).toBe('ok');
    expect(await phone.textContent('[data-confirm-merchant]')).toBe(t.demo.story.merchants.tea);
    expect(await phone.textContent('[data-confirm-amount]')).toBe('¥12.34');
    await phone.click('[data-confirm]');
    await phone.waitForSelector('[data-result="ok"]');
    expect(cardOnLedger().balance).toBe(before - 1234);
    await phone.waitForSelector(`[data-card="${CARD}"][data-balance="${before - 1234}"] [data-verify="ok"]`);

    // The same link confirmed again is the same entry (an idempotent retry), not a second payment.
    const size = t.demo.f.ledger.size;
    await openConfirm(path);
    await phone.click('[data-confirm]');
    await phone.waitForSelector('[data-result="ok"]');
    expect(t.demo.f.ledger.size).toBe(size);
    expect(cardOnLedger().balance).toBe(before - 1234);
  }, 60_000);

  test('when the amount in the link is tampered with, then the wallet refuses it and nothing is posted', async () => {
    const path = await makeLink('1.00');
    const [base, fragment] = path.split('#');
    const env = JSON.parse(new TextDecoder().decode(fromBase64Url(fragment)!));
    env.body.amount = 1; // ¥0.01 shown to the holder, while the merchant signed ¥1.00
    const size = t.demo.f.ledger.size;
    await openConfirm(`${base}#${toBase64Url(utf8(JSON.stringify(env)))}`);
    expect(await phone.getAttribute('[data-confirm-verify]', 'data-confirm-verify')).toBe('failed');
    expect(await phone.isDisabled('[data-confirm]')).toBe(true);
    expect(t.demo.f.ledger.size).toBe(size);
  }, 60_000);

  test('when the holder asks for a refund, then a card.refundRequest signed as the holder is on the ledger', async () => {
    await phone.goto(`${t.demo.url}/wallet`);
    const box = phone.locator(`[data-card="${CARD}"]`);
    await box.locator('[data-refund-amount]').fill('5.00');
    await box.locator('form:has([data-refund-amount]) button').click();
    await box.locator('[data-out]').filter({ hasText: /\d/ }).waitFor();
    const last = t.demo.f.ledger.entry(t.demo.f.ledger.size - 1)!;
    expect(last.event).toMatchObject({ type: 'card.refundRequest', actor: `card:${CARD}`, body: { card: CARD, amount: 500 } });
  }, 60_000);

  test("when the holder gives the card to a friend, then the friend's wallet accepts it with its own key and verifies it", async () => {
    const other = await friend.page();
    await other.goto(`${t.demo.url}/wallet`);
    await other.click('[data-new-key]');
    await other.waitForFunction(() => /^[A-Za-z0-9_-]{43}$/.test(document.querySelector('[data-holder-key]')?.textContent ?? ''));
    const friendKey = (await other.textContent('[data-holder-key]'))!;

    await phone.goto(`${t.demo.url}/wallet`);
    const box = phone.locator(`[data-card="${CARD}"]`);
    await box.locator('[data-transfer-key]').fill(friendKey);
    await box.locator('form:has([data-transfer-key]) button').click();
    const link = (await box.locator('[data-transfer-link]').getAttribute('href'))!;

    await other.goto(`${t.demo.url}${link}`);
    await other.waitForSelector('[data-confirm]:not([disabled])');
    await other.click('[data-confirm]');
    await other.waitForSelector('[data-result="ok"]');
    expect(cardOnLedger().holderKey).toBe(friendKey);
    await other.waitForSelector(`[data-card="${CARD}"] [data-verify="ok"]`);
    expect(await balance(other)).toBe(cardOnLedger().balance);
    expect(await sidewaysOverflow(other)).toBe(0);
  }, 60_000);
});
