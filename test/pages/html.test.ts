/**
 * The pages as HTTP answers (supertest on the real app over a real LevelDB):
 * ledger text is escaped, the SPEC §11 hooks are where they belong, unknown
 * codes get HTML 404 pages, the language is chosen as SPEC §11 says, and the
 * static files are served read-only and no more of them than the pages need.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import { startFixture, type Fixture } from '../helpers/fixture.js';
import type { SigningKey } from '../../ledger/index.js';

const EVIL = `<script>alert("x")</script>"><img src=x onerror=alert(1)>&amp;'`;

let f: Fixture;
let farm: SigningKey;
let inspector: SigningKey;
let bank: SigningKey;
let merchant: SigningKey;

beforeAll(async () => {
  f = await startFixture();
  farm = await f.register('farm-1', 'producer', { name: `养殖场 ${EVIL}` });
  inspector = await f.register('insp-1', 'inspector', { name: `检验所 ${EVIL}` });
  bank = await f.register('bank-1', 'custodian');
  merchant = await f.register('m-evil', 'merchant', { name: `健身 ${EVIL}`, merchant: { tier: 'scale', custodian: bank.id } });
  const ok = async (req: request.Test) => expect((await req).status).toBe(201);
  await ok(
    f.post(farm, 'lot.create', {
      code: 'LOT-1',
      product: { name: `黄鱼 ${EVIL}`, category: 'aquatic' },
      quantity: { amount: 10, unit: 'kg' },
      storage: 'chilled',
      origin: { place: `大陈岛 ${EVIL}`, zone: 'east-china-sea', method: 'farmed' },
    }),
  );
  await ok(
    f.post(inspector, 'lot.inspect', {
      code: 'LOT-1',
      result: 'fail',
      tests: [{ name: `恩诺沙星 ${EVIL}`, pass: false }],
      report: `报告 ${EVIL}`,
    }),
  );
  await ok(f.post(f.regulator, 'lot.recall', { code: 'LOT-1', level: 1, reason: `原因 ${EVIL}` }));
  void merchant;
});

afterAll(() => f.close());

const page = (path: string, lang?: string) => {
  const req = request(f.app).get(path);
  return lang ? req.set('Accept-Language', lang) : req;
};

/** Tags that would run script if ledger text reached the markup unescaped (as text, `onerror=` is harmless). */
const injected = (text: string) => /<script>alert|<img[\s>]|<[^>]*\sonerror=/i.test(text);

describe('the trace page', () => {
  test('escapes every ledger value: product, origin, actor names, test names, reasons', async () => {
    const res = await page('/trace/LOT-1');
    expect(res.status).toBe(200);
    expect(injected(res.text)).toBe(false);
    expect(res.text).toContain(
      '黄鱼 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;&#39;',
    );
    for (const word of [
      '大陈岛 &lt;script&gt;',
      '检验所 &lt;script&gt;',
      '恩诺沙星 &lt;script&gt;',
      '报告 &lt;script&gt;',
      '原因 &lt;script&gt;',
    ])
      expect(res.text).toContain(word);
  });

  test('carries one status banner with the lot status, one pending badge, and data-index on each timeline entry and nothing else', async () => {
    const html = (await page('/trace/LOT-1')).text;
    const view = (await request(f.app).get('/v1/trace/LOT-1')).body;
    expect(html.match(/data-status="[^"]*"/g)).toEqual(['data-status="recalled"']);
    expect(html.match(/data-verify="[^"]*"/g)).toEqual(['data-verify="pending"']);
    expect(
      [...html.matchAll(/<li class="ev [^"]*" data-index="(\d+)" data-leaf="([0-9a-f]{64})">/g)].map((m) => [Number(m[1]), m[2]]),
    ).toEqual(view.timeline.map((t: { index: number; leaf: string }) => [t.index, t.leaf]));
    expect(html.match(/data-index=/g)).toHaveLength(view.timeline.length);
  });

  test('pins the origin and operator key that GET /v1/ledger serves', async () => {
    const html = (await page('/trace/LOT-1')).text;
    const anchor = (await request(f.app).get('/v1/ledger')).body;
    expect(html).toContain(`<meta name="anxin-origin" content="${anchor.origin}">`);
    expect(html).toContain(`<meta name="anxin-operator-key" content="${anchor.operatorKey}">`);
  });

  test('for an unknown code, or one that cannot be a code, is an HTML 404 page naming it', async () => {
    const unknown = await page('/trace/NO-SUCH-LOT');
    expect(unknown.status).toBe(404);
    expect(unknown.type).toBe('text/html');
    expect(unknown.text).toContain('未找到追溯码 NO-SUCH-LOT');
    const malformed = await page(`/trace/${encodeURIComponent('<b>x</b>')}`);
    expect(malformed.status).toBe(404);
    expect(malformed.text).toContain('未找到追溯码 &lt;b&gt;x&lt;/b&gt;');
    expect(malformed.text).not.toContain('data-verify');
  });

  test('for a path that is not valid percent-encoding is an HTML 400 page', async () => {
    const res = await page('/trace/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.type).toBe('text/html');
  });

  test('is reached from the form at / by ?code=, keeping the language', async () => {
    const res = await page('/trace?code=LOT-1&lang=en');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/trace/LOT-1?lang=en');
  });
});

describe('the merchant page', () => {
  test('escapes the merchant name and carries the stars, custody and status hooks once each', async () => {
    const res = await page('/m/m-evil');
    expect(res.status).toBe(200);
    expect(injected(res.text)).toBe(false);
    expect(res.text).toContain('健身 &lt;script&gt;');
    const view = (await request(f.app).get('/v1/merchants/m-evil')).body;
    expect(res.text.match(/data-stars="[^"]*"/g)).toEqual([`data-stars="${view.stars}"`]);
    expect(res.text.match(/data-custody-ok="[^"]*"/g)).toEqual([`data-custody-ok="${view.custodyOk}"`]);
    expect(res.text.match(/data-status="[^"]*"/g)).toEqual([`data-status="${view.status}"`]);
  });

  test('of an id no merchant filed under is an HTML 404 saying it is not filed; so is an actor that is not a merchant', async () => {
    for (const id of ['m-nobody', 'farm-1']) {
      const res = await page(`/m/${id}`);
      expect(res.status).toBe(404);
      expect(res.text).toContain(`未备案：${id}`);
      expect(res.text).toContain('data-filed="false"');
    }
  });
});

describe('the regulator page', () => {
  test('offers the key-file sign-in and pins the trust anchor, and renders no regulator data itself', async () => {
    const res = await page('/regulator?recall=LOT-1');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<input type="file" [^>]*data-key-file>/);
    expect(res.text).toContain(`<meta name="anxin-operator-key" content="${f.ledger.operatorKey}">`);
    expect(res.text).toContain('value="LOT-1"');
    expect(res.text).not.toContain('data-rule');
  });

  test('pre-fills the recall code only when it is a well-formed code', async () => {
    const res = await page(`/regulator?recall=${encodeURIComponent('"><b>')}`);
    expect(res.text).toContain('name="code" value=""');
  });
});

describe('every page', () => {
  const paths = ['/', '/trace/LOT-1', '/m/m-evil', '/regulator', '/trace/NO-SUCH-LOT'];

  test('is zh-CN by default, English with Accept-Language: en, and ?lang wins over the header', async () => {
    for (const path of paths) {
      const zh = await page(path);
      expect(zh.text).toContain('<html lang="zh-CN">');
      expect(zh.headers['content-language']).toBe('zh-CN');
      expect(zh.headers.vary).toContain('Accept-Language');
      expect((await page(path, 'en-US,en;q=0.9')).text).toContain('<html lang="en">');
      const sep = path.includes('?') ? '&' : '?';
      expect((await page(`${path}${sep}lang=zh-CN`, 'en')).text).toContain('<html lang="zh-CN">');
      expect((await page(`${path}${sep}lang=en`, 'zh-CN')).text).toContain('<html lang="en">');
    }
  });

  test('keeps a language chosen by ?lang in its links', async () => {
    const html = (await page('/trace/LOT-1?lang=en')).text;
    expect(html).toContain('href="/?lang=en"');
    expect(html).toContain('href="/trace/LOT-1?lang=zh-CN"');
  });

  test('has a strict CSP, no inline event handler and no inline script but the import map its hash allows', async () => {
    for (const path of paths) {
      const res = await page(path);
      const csp = res.headers['content-security-policy'];
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.text).not.toMatch(/<[^>]+\son[a-z]+\s*=/i);
      expect(res.text).not.toMatch(/\sstyle\s*=/i);
      for (const m of res.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
        if (m[1].includes('type="module"')) {
          expect(m[1]).toMatch(/ src="\/js\/src\/pages\/browser\/[a-z-]+\.js"/);
          expect(m[2]).toBe('');
        } else {
          expect(m[1]).toBe(' type="importmap"');
          expect(csp).toContain(`'sha256-${createHash('sha256').update(m[2]).digest('base64')}'`);
        }
      }
    }
  });
});

describe('the static files', () => {
  test('serve the compiled portable modules and @noble from node_modules, as JavaScript', async () => {
    for (const path of [
      '/js/ledger/portable.js',
      '/js/ledger/suite-noble.js',
      '/js/ledger/message-signatures.js',
      '/js/src/pages/browser/trace-page.js',
      '/vendor/@noble/ed25519/index.js',
      '/vendor/@noble/hashes/sha2.js',
    ]) {
      const res = await request(f.app).get(path);
      expect([path, res.status]).toEqual([path, 200]);
      expect(res.type).toMatch(/javascript/);
    }
    expect((await request(f.app).get('/assets/pages.css')).type).toBe('text/css');
  });

  test('are read-only and limited to what the pages load', async () => {
    expect((await request(f.app).post('/vendor/@noble/ed25519/index.js')).status).toBe(404);
    expect((await request(f.app).put('/js/ledger/portable.js')).status).toBe(404);
    for (const path of [
      '/vendor/@noble/hashes/package.json',
      '/js/src/server.js',
      '/js/src/config.js',
      '/js/scripts/demo.js',
      '/vendor/../package.json',
      '/js/ledger/../../package.json',
    ])
      expect([path, (await request(f.app).get(path)).status]).toEqual([path, 404]);
  });
});
