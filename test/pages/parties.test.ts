/**
 * The card parties' pages as HTTP answers (SPEC §14), over the demo story told
 * in-process (real app, real LevelDB, every event signed): the /bank, /insurer
 * and /complaints shells, the reads they make as each party, and /m/{id} with
 * the last published rating and its ledger proof.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import { nodeSuite, parseKeyFile, type SigningKey } from '../../ledger/index.js';
import type { DemoStory } from '../../scripts/demo/story.js';
import { deskTarget } from '../../src/pages/browser/regulator/desk.js';
import type { Dash } from '../../src/pages/browser/regulator/shared.js';
import { checkPublishedRating } from '../../src/pages/browser/rating-proof.js';
import type { Fixture } from '../helpers/fixture.js';
import { tellStoryInProcess } from './demo-server.js';

let f: Fixture;
let story: DemoStory;
const key = (id: string): SigningKey => parseKeyFile(nodeSuite, JSON.stringify(story.keys.get(id)));
const BANK = 'bank-hz-01';
const INSURER = 'insurer-picc-hz';

beforeAll(async () => {
  ({ f, story } = await tellStoryInProcess());
}, 120_000);
afterAll(() => f.close());

const page = (path: string, lang?: string) => {
  const req = request(f.app).get(path);
  return lang ? req.set('Accept-Language', lang) : req;
};
const status = (res: { status: number; body: { code?: string } }) => ({ status: res.status, code: res.body.code });
const anchor = () => ({ origin: f.ledger.origin, operatorKey: f.ledger.operatorKey });

describe('the /bank, /insurer and /complaints pages', () => {
  test('are the dashboard shell under their own title: key-file sign-in, the trust anchor pinned, no party data rendered', async () => {
    for (const [path, zh, en] of [
      ['/bank', '存管银行视图', 'Custodian bank view'],
      ['/insurer', '保险机构视图', 'Insurer view'],
      ['/complaints', '投诉台', 'Complaint desk'],
    ]) {
      const res = await page(path);
      expect([path, res.status]).toEqual([path, 200]);
      expect(res.text).toContain('<html lang="zh-CN">');
      expect(res.text).toContain(`<h1>${zh}</h1>`);
      expect(res.text).toMatch(/<input type="file" [^>]*data-key-file>/);
      expect(res.text).toContain('<script type="module" src="/js/src/pages/browser/regulator-page.js"></script>');
      expect(res.text).toContain(`<meta name="anxin-operator-key" content="${f.ledger.operatorKey}">`);
      for (const hook of ['data-party-view hidden', 'data-desk-view hidden', 'data-dashboard hidden']) expect(res.text).toContain(hook);
      expect(res.text).not.toMatch(/data-complaint=|data-party-merchant=|data-claim=/);
      expect((await page(path, 'en')).text).toContain(`<h1>${en}</h1>`);
      const csp = res.headers['content-security-policy'];
      expect(csp).not.toContain('unsafe-inline');
      expect(res.text).not.toMatch(/<[^>]+\son[a-z]+\s*=/i);
      for (const m of res.text.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g))
        expect(csp).toContain(`'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`);
    }
  });

  test('serve the browser modules of the party views', async () => {
    for (const path of ['regulator/party.js', 'regulator/desk.js', 'party-messages.js', 'merchant-page.js', 'rating-proof.js']) {
      const res = await request(f.app).get(`/js/src/pages/browser/${path}`);
      expect([path, res.status]).toEqual([path, 200]);
      expect(res.type).toMatch(/javascript/);
    }
  });
});

describe('what the bank view reads', () => {
  test('when the bank reads its merchants, then each has custody, required, releasable and its claim totals; the closed spa is paid to the fen', async () => {
    const res = await f.get(`/v1/custodians/${BANK}/merchants`, key(BANK));
    expect(res.status).toBe(200);
    const ids = res.body.merchants.map((m: { id: string }) => m.id).sort();
    expect(ids).toEqual([...Object.values(story.merchants), story.closed].sort());
    for (const m of res.body.merchants) {
      expect(m.releasable.consumption).toBeLessThanOrEqual(Math.max(0, m.custody - m.required));
      expect(m.claims.claim).toBe(m.claims.paid.custody + m.claims.paid.insurance + m.claims.paid.refund + m.claims.outstanding);
    }
    const spa = res.body.merchants.find((m: { id: string }) => m.id === story.closed);
    expect(spa).toMatchObject({ status: 'closed', claims: { claim: 420_000, outstanding: 0, paid: { custody: 90_000 } } });
    const claims = await f.get(`/v1/merchants/${story.closed}/claims?limit=1000`, key(BANK));
    expect(claims.body.claims.map((c: { outstanding: number }) => c.outstanding)).toEqual([0, 0, 0]);
  });
});

describe('GET /v1/insurers/{id}/merchants', () => {
  test('when the insurer reads, then the merchants it insures with status and claim totals; the closed spa among them', async () => {
    const res = await f.get(`/v1/insurers/${INSURER}/merchants`, key(INSURER));
    expect(res.status).toBe(200);
    expect(res.body.insurer).toBe(INSURER);
    const closed = res.body.merchants.filter((m: { status: string }) => m.status === 'closed');
    expect(closed.map((m: { id: string }) => m.id)).toEqual([story.closed]);
    expect(closed[0].claims.paid.insurance).toBe(330_000);
  });

  test('when a regulator reads, then 200; the bank, a merchant: 403; another insurer: 403; unsigned: 401; the bank as insurer: 404', async () => {
    expect((await f.get(`/v1/insurers/${INSURER}/merchants`, f.regulator)).status).toBe(200);
    expect(status(await f.get(`/v1/insurers/${INSURER}/merchants`, key(BANK)))).toEqual({ status: 403, code: 'forbidden' });
    expect(status(await f.get(`/v1/insurers/${INSURER}/merchants`, key(story.merchants.gym)))).toEqual({ status: 403, code: 'forbidden' });
    const other = await f.register('insurer-other-09', 'insurer');
    expect(status(await f.get(`/v1/insurers/${INSURER}/merchants`, other))).toEqual({ status: 403, code: 'forbidden' });
    expect(status(await f.get(`/v1/insurers/${INSURER}/merchants`))).toEqual({ status: 401, code: 'unauthenticated' });
    expect(status(await f.get(`/v1/insurers/${BANK}/merchants`, f.regulator))).toEqual({ status: 404, code: 'not_found' });
    expect(status(await f.get(`/v1/insurers/${encodeURIComponent('<x>')}/merchants`, f.regulator))).toEqual({
      status: 400,
      code: 'invalid_request',
    });
  });
});

describe('what the complaint desk reads', () => {
  const dash = (id: string) => ({ session: { id } }) as unknown as Dash;
  const noFilter = { status: '', merchant: '', overdue: false };

  test('when a regulator lists, then every merchant’s complaints, with the 12315 number, the merchant response and overdue marks', async () => {
    const res = await f.get(deskTarget(dash(f.regulator.id), 'regulator', noFilter), f.regulator);
    expect(res.status).toBe(200);
    const merchants = new Set(res.body.complaints.map((c: { merchant: string }) => c.merchant));
    expect(merchants.size).toBeGreaterThan(2);
    const salon = res.body.complaints.find((c: { complaint: string }) => c.complaint === 'CMP-12315-0003');
    expect(salon).toMatchObject({ ref12315: '3301002026000233', status: 'open', overdue: true, responses: 1 });
    expect(salon.response.text).toContain('免费重做');
  });

  test('when a merchant lists through the desk, then only its own complaints, even with another merchant typed in the filter', async () => {
    const salon = story.merchants.salon;
    const target = deskTarget(dash(salon), 'merchant', { ...noFilter, merchant: story.merchants.school });
    expect(new URL(target, 'http://x').searchParams.get('merchant')).toBe(salon);
    const res = await f.get(target, key(salon));
    expect(res.status).toBe(200);
    expect(res.body.complaints.length).toBeGreaterThan(0);
    for (const c of res.body.complaints) expect(c.merchant).toBe(salon);
  });

  test('when a merchant asks the API for another merchant’s complaints, or for all, then it gets its own or 403, never another’s', async () => {
    const salon = key(story.merchants.salon);
    expect(status(await f.get(`/v1/complaints?merchant=${story.merchants.school}`, salon))).toEqual({ status: 403, code: 'forbidden' });
    const all = await f.get('/v1/complaints?limit=1000', salon);
    expect(all.status).toBe(200);
    for (const c of all.body.complaints) expect(c.merchant).toBe(story.merchants.salon);
    for (const party of [BANK, INSURER])
      expect(status(await f.get('/v1/complaints', key(party)))).toEqual({ status: 403, code: 'forbidden' });
  });

  test('when filtered by status, then only that status comes back', async () => {
    const res = await f.get(deskTarget(dash(f.regulator.id), 'regulator', { ...noFilter, status: 'resolved' }), f.regulator);
    expect(res.body.complaints.length).toBeGreaterThan(0);
    for (const c of res.body.complaints) expect(c.status).toBe('resolved');
  });
});

describe('the merchant page with a published rating', () => {
  test('binds the publication, its entry and its proof in data-* attributes, equal to the rating read, and loads the verifier', async () => {
    const id = story.merchants.gym;
    const api = (await request(f.app).get(`/v1/merchants/${id}/rating`)).body;
    expect(api.published).not.toBeNull();
    const res = await page(`/m/${id}`);
    expect(res.status).toBe(200);
    const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(res.text)?.[1];
    expect(attr('data-published-score')).toBe(String(api.published.score));
    expect(attr('data-published-stars')).toBe(String(api.published.stars));
    expect(attr('data-period')).toBe(api.published.period);
    expect(attr('data-published-at')).toBe(api.published.at);
    expect(attr('data-index')).toBe(String(api.published.index));
    expect(attr('data-leaf')).toBe(api.published.entry.leaf);
    expect(attr('data-checkpoint-root')).toMatch(/^[0-9a-f]{64}$/);
    expect(attr('data-live-score')).toBe(String(api.live.score));
    expect(res.text.match(/data-stars="/g)).toHaveLength(1);
    expect(res.text).toContain('data-verify="pending"');
    expect(res.text).toContain('<script type="module" src="/js/src/pages/browser/merchant-page.js"></script>');
    expect(res.text).toContain(`<meta name="anxin-origin" content="${f.ledger.origin}">`);
    const shown = {
      merchant: id,
      index: Number(attr('data-index')),
      leaf: attr('data-leaf')!,
      score: Number(attr('data-published-score')),
      stars: Number(attr('data-published-stars')),
    };
    expect(checkPublishedRating(nodeSuite, api, anchor(), shown)).toBeUndefined();
  });

  test('of a merchant never rated shows that no rating is published, and loads no script', async () => {
    await f.register('m-unrated-01', 'merchant', { merchant: { tier: 'scale', custodian: BANK } });
    const res = await page('/m/m-unrated-01');
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-published-rating="none"');
    expect(res.text).toContain('尚未发布评级');
    expect(res.text).not.toContain('<script');
  });
});

describe('the published rating check (rating-proof.ts)', () => {
  const setup = async () => {
    const id = story.merchants.gym;
    const api = (await request(f.app).get(`/v1/merchants/${id}/rating`)).body;
    const shown = {
      merchant: id,
      index: api.published.index,
      leaf: api.published.entry.leaf,
      score: api.published.score,
      stars: api.published.stars,
    };
    return { api, shown };
  };
  const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

  test('when the score, the entry body, the proof, the checkpoint or the pinned key is changed, then it fails and says why', async () => {
    const { api, shown } = await setup();
    const cases: Array<[string, (v: any) => void]> = [
      ['score', (v) => (v.published.score = 99)],
      ['entry body', (v) => (v.published.entry.event.body.ratings[0].score = 1)],
      ['proof', (v) => (v.published.proof.path[0] = '00'.repeat(32))],
      ['checkpoint', (v) => (v.published.checkpoint.root = 'ab'.repeat(32))],
      ['merchant', (v) => (v.merchant = 'm-other')],
      ['missing', (v) => (v.published = null)],
      ['index', (v) => (v.published.index = v.published.index + 1)],
    ];
    for (const [name, tamper] of cases) {
      const v = clone(api);
      tamper(v);
      expect([name, typeof checkPublishedRating(nodeSuite, v, anchor(), shown)]).toEqual([name, 'string']);
    }
    const otherKey = { ...anchor(), operatorKey: f.regulator.publicKey };
    expect(checkPublishedRating(nodeSuite, api, otherKey, shown)).toMatch(/signature|key/i);
    expect(checkPublishedRating(nodeSuite, api, anchor(), { ...shown, stars: shown.stars === 5 ? 4 : 5 })).toMatch(/page shows/);
    expect(checkPublishedRating(nodeSuite, api, anchor(), shown)).toBeUndefined();
  });
});
