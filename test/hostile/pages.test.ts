/**
 * Pages under attack: /docs cannot be framed or sniffed; the trace page is
 * rendered once per version of the lot's view (a flood of scans of one QR code
 * costs no rebuilds), and a new entry for the lot shows at once.
 */
import request from 'supertest';
import { TracePageCache } from '../../src/pages/trace/page-cache.js';
import { accepted } from '../helpers/outcomes.js';
import { createBody, readings, startChain, type Chain } from '../trace/helpers.js';

let c: Chain;
beforeAll(async () => {
  c = await startChain();
  await accepted(c.f.post(c.farm, 'lot.create', createBody('DC-P-1', 500)));
});
afterAll(() => c.f.close());

describe('/docs', () => {
  test('when Swagger UI is fetched, then it forbids framing and sniffing', async () => {
    const res = await request(c.f.app).get('/docs/');
    expect(res.status).toBe(200);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toMatch("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('the trace page', () => {
  test('when the same page is asked for many times, then it is rendered once; when the lot changes, then once more', async () => {
    const { f, farm } = c;
    const cache = new TracePageCache(f.ledger, f.clock.now);
    let renders = 0;
    const render = () => `page ${++renders}`;
    for (let i = 0; i < 50; i++) expect(cache.get('DC-P-1', 'zh-CN false', render)).toBe('page 1');
    // An unrelated append leaves the page as it was.
    await f.register('unrelated', 'producer');
    expect(cache.get('DC-P-1', 'zh-CN false', render)).toBe('page 1');
    await accepted(f.post(farm, 'lot.temperature', { code: 'DC-P-1', readings: readings(f.clock.ms, 1, [3]) }));
    expect(cache.get('DC-P-1', 'zh-CN false', render)).toBe('page 2');
    expect(cache.get('DC-P-1', 'en true', render)).toBe('page 3');
    expect(renders).toBe(3);
  });

  test('when a code does not exist, then nothing is cached for it', () => {
    const cache = new TracePageCache(c.f.ledger, c.f.clock.now);
    for (let i = 0; i < 20; i++) expect(cache.get(`NOPE-${i}`, 'zh-CN false', () => 'x')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  test('when junk query parameters are added, then the page served is the same bytes', async () => {
    const a = await request(c.f.app).get('/trace/DC-P-1?lang=en');
    const b = await request(c.f.app).get('/trace/DC-P-1?lang=en&junk=1&x=2');
    expect(a.status).toBe(200);
    expect(b.text).toBe(a.text);
  });
});
