/**
 * Headless Chromium for the pages' end-to-end tests: Debian's chromium
 * (/usr/bin/chromium, installed by .ci/run) driven by playwright-core, with the
 * flags this machine needs (no background networking: the network is closed)
 * and a fresh profile per launch. Phone-sized by default: 390 × 844.
 *
 * Screenshots are always taken (so the code that takes them runs); they are
 * written to docs/ for the README only with ANXIN_UPDATE_SCREENSHOTS=1, and to a
 * temporary directory otherwise, so a test run leaves the tree clean.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const PHONE = { width: 390, height: 844 };

export interface Browser {
  context: BrowserContext;
  page(): Promise<Page>;
  close(): Promise<void>;
}

export const launch = async (o: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<Browser> => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  const profile = mkdtempSync(join(tmpdir(), 'anxin-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: o.viewport ?? PHONE,
    deviceScaleFactor: 2,
    locale: o.locale ?? 'zh-CN',
  });
  const errors: string[] = [];
  return {
    context,
    page: async () => {
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(e.message));
      return page;
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      if (errors.length) throw new Error(`errors in the pages: ${errors.join('; ')}`);
    },
  };
};

const SHOTS = process.env.ANXIN_UPDATE_SCREENSHOTS === '1' ? join(process.cwd(), 'docs') : mkdtempSync(join(tmpdir(), 'anxin-shots-'));

/**
 * A screenshot as `<name>.png` (docs/ with ANXIN_UPDATE_SCREENSHOTS=1, else a temp dir) of the
 * whole page, of what the first screen shows (`firstScreen`), or of one element. Returns its path.
 */
export const screenshot = async (target: Page | Locator, name: string, o: { firstScreen?: boolean } = {}): Promise<string> => {
  const path = join(SHOTS, `${name}.png`);
  if ('goto' in target) await target.screenshot({ path, fullPage: !o.firstScreen, animations: 'disabled' });
  else await target.screenshot({ path, animations: 'disabled' });
  return path;
};

/** Waits for the trace page's badge to leave "pending" and returns its verdict. */
export const verdict = async (page: Page): Promise<string | null> => {
  await page.waitForSelector('[data-verify]:not([data-verify="pending"])');
  return page.getAttribute('[data-verify]', 'data-verify');
};

/** The document's width beyond the viewport: 0 when nothing scrolls sideways. */
export const sidewaysOverflow = (page: Page): Promise<number> =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
