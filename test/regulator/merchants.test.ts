/**
 * Stars in GET /v1/merchants/{id} and the regulators' merchant list
 * GET /v1/regulator/merchants (SPEC §8, §10): full views with open anomalies and
 * the rating, lowest stars first; stars follow anomalies, including those that
 * open by the clock alone.
 */
import type { Fixture } from '../helpers/fixture.js';
import { accepted } from '../helpers/outcomes.js';
import { DAY, startRegWorld, type RegWorld } from './anomaly-helpers.js';
import { issueBody } from '../cards/helpers.js';

let w: RegWorld;
let f: Fixture;

beforeAll(async () => {
  w = await startRegWorld();
  f = w.f;
  await w.addMerchant('m-good', 'other');
  const short = await w.addMerchant('m-short', 'scale');
  await accepted(f.post(short, 'card.issue', issueBody('C-1', 100_000)));
  await w.addMerchant('m-closed', 'other');
  await accepted(f.post(f.regulator, 'merchant.dispose', { merchant: 'm-closed', action: 'close', reason: '卷款跑路' }));
  await w.addMerchant('m-complained', 'other');
  await accepted(
    f.post(f.regulator, 'complaint.file', { complaint: 'CP-1', merchant: 'm-complained', category: 'service', summary: '服务差' }),
  );
});
afterAll(() => f.close());

const list = async () => {
  const res = await f.get('/v1/regulator/merchants', f.regulator);
  expect(res.status).toBe(200);
  return res.body.merchants as Array<Record<string, any>>;
};

describe('GET /v1/regulator/merchants', () => {
  test('when a regulator asks, then every merchant with its full view, anomalies and rating, lowest stars first', async () => {
    const merchants = await list();
    expect(merchants.map((m) => [m.id, m.stars, m.rating.score])).toEqual([
      ['m-closed', 1, 95],
      ['m-short', 2, 60],
      ['m-complained', 5, 91],
      ['m-good', 5, 95],
    ]);
    const short = merchants[1];
    expect(short).toMatchObject({
      status: 'active',
      tier: 'scale',
      custodyOk: false,
      outstanding: 100_000,
      custody: 0,
      required: 20_000,
      complaintsTotal: 0,
    });
    expect(short.anomalies.map((a: any) => [a.rule, a.severity])).toEqual([['custody-short', 'red']]);
    expect(short.rating.parts).toEqual({ fundSafety: 0, refunds: 20, complaints: 20, compliance: 15, stability: 5 });
  });

  test('when the merchant view is read, then its stars and figures are the list’s, in the public and the full view', async () => {
    const item = (await list()).find((m) => m.id === 'm-short')!;
    const { anomalies: _a, rating: _r, ...full } = item;
    expect((await f.get('/v1/merchants/m-short', f.regulator)).body).toEqual(full);
    expect((await f.get('/v1/merchants/m-short')).body).toMatchObject({ id: 'm-short', stars: 2, custodyOk: false });
  });

  test('when a complaint has been open for more than 7 days, then complaint-overdue costs 8 points and a star, by the clock alone', async () => {
    f.clock.advance(7 * DAY + 1);
    const item = (await list()).find((m) => m.id === 'm-complained')!;
    expect(item).toMatchObject({ stars: 4, rating: { score: 83 } });
    expect(item.anomalies.map((a: any) => a.rule)).toEqual(['complaint-overdue']);
    expect((await f.get('/v1/merchants/m-complained')).body.stars).toBe(4);
  });

  test('when the request is unsigned, then 401 unauthenticated; signed by a merchant, 403 forbidden', async () => {
    const unsigned = await f.get('/v1/regulator/merchants');
    expect({ status: unsigned.status, code: unsigned.body.code }).toEqual({ status: 401, code: 'unauthenticated' });
    const merchant = await w.addMerchant('m-nosy', 'other');
    const res = await f.get('/v1/regulator/merchants', merchant);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'forbidden' });
  });
});
