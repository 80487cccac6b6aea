/**
 * Recall follow-through (SPEC §15): a level 1, 2, 3 recall must be carried out
 * within 24, 48, 72 hours. The recall view gives the deadline and what each lot
 * still has out there; GET /v1/regulator/recalls gives each recall's progress
 * over time; recall-overdue turns red on a lot still held or in transit after
 * the deadline, and clears once the last of it is disposed of.
 */
import request from 'supertest';
import { accepted } from '../helpers/outcomes.js';
import { DAY, HOUR, startChain, type Chain } from './helpers.js';
import { FARM_LOT, FIL_A, FIL_B, farmToShelf } from './journey.js';

let c: Chain;
beforeEach(async () => {
  c = await startChain();
  await farmToShelf(c);
});
afterEach(() => c.f.close());

const anomalies = async (rule = 'recall-overdue') => {
  const res = await c.f.get(`/v1/regulator/anomalies?rule=${rule}`, c.f.regulator);
  expect(res.status).toBe(200);
  return res.body.anomalies as Array<{
    subject: string;
    severity: string;
    since: string;
    detail: Record<string, unknown>;
    entries: number[];
  }>;
};

describe('recall deadlines', () => {
  test.each([
    [1, 24],
    [2, 48],
    [3, 72],
  ])(
    'when a level %i recall is ordered, then the deadline is %i hours later, on the lot and every lot made from it',
    async (level, hours) => {
      const { f } = c;
      const { at, index } = await accepted(f.post(f.regulator, 'lot.recall', { code: FARM_LOT, level, reason: '抽检不合格' }));
      const deadline = new Date(Date.parse(at) + hours * HOUR).toISOString();
      const view = (await f.get(`/v1/regulator/recall/${FARM_LOT}`, f.regulator)).body;
      expect(view.deadline).toBe(deadline);
      expect(view.recall).toEqual({ lot: FARM_LOT, index, level, reason: '抽检不合格', by: f.regulator.id, at, deadline });
      expect(view.lots.map((l: { code: string; remaining: number; deadline: string }) => [l.code, l.remaining, l.deadline])).toEqual([
        [FARM_LOT, 200, deadline],
        [FIL_A, 68, deadline],
        [FIL_B, 60, deadline],
      ]);
    },
  );

  test('when a fillet lot was recalled on its own first at level 1, then its deadline is that recall’s, the farm lot’s is its own', async () => {
    const { f, farm } = c;
    const first = await accepted(f.post(f.regulator, 'lot.recall', { code: FIL_A, level: 1, reason: 'listeria' }));
    f.clock.advance(HOUR);
    const second = await accepted(f.post(farm, 'lot.recall', { code: FARM_LOT, level: 3, reason: 'label' }));
    const lots = (await f.get(`/v1/regulator/recall/${FARM_LOT}`, f.regulator)).body.lots;
    expect(lots.map((l: { deadline: string }) => l.deadline)).toEqual([
      new Date(Date.parse(second.at) + 72 * HOUR).toISOString(),
      new Date(Date.parse(first.at) + 24 * HOUR).toISOString(),
      new Date(Date.parse(second.at) + 72 * HOUR).toISOString(),
    ]);
  });
});

describe('recall-overdue', () => {
  test('when quantity is still held or in transit after the deadline, then red on each such lot, by the clock alone', async () => {
    const { f } = c;
    const { index, at } = await accepted(f.post(f.regulator, 'lot.recall', { code: FARM_LOT, level: 1, reason: '孔雀石绿' }));
    f.clock.advance(24 * HOUR - 1);
    expect(await anomalies()).toEqual([]);
    f.clock.advance(1);
    const open = await anomalies();
    expect(open.map((a) => [a.subject, a.severity]).sort()).toEqual([
      [FARM_LOT, 'red'],
      [FIL_A, 'red'],
      [FIL_B, 'red'],
    ]);
    const deadline = new Date(Date.parse(at) + 24 * HOUR).toISOString();
    expect(open.find((a) => a.subject === FIL_B)).toMatchObject({
      since: deadline,
      entries: [index],
      detail: { recall: FARM_LOT, level: 1, deadline, remaining: 60, unit: 'kg', inTransit: ['SH-3'] },
    });
  });

  test('when every holder disposes of the lot and the shipment is received and disposed of, then the anomalies close', async () => {
    const { f, farm, processor, market } = c;
    await accepted(f.post(f.regulator, 'lot.recall', { code: FARM_LOT, level: 2, reason: 'x' }));
    f.clock.advance(2 * DAY + HOUR);
    expect((await anomalies()).length).toBe(3);
    await accepted(f.post(market, 'lot.dispose', { code: FIL_A, amount: 68, reason: '召回销毁' }));
    await accepted(f.post(processor, 'lot.dispose', { code: FARM_LOT, amount: 200, reason: '召回销毁' }));
    expect((await anomalies()).map((a) => a.subject)).toEqual([FIL_B]);
    await accepted(f.post(market, 'lot.receive', { shipment: 'SH-3', amount: 25 }));
    await accepted(f.post(market, 'lot.dispose', { code: FIL_B, amount: 25, reason: '召回销毁' }));
    expect((await anomalies())[0].detail.remaining).toBe(35);
    await accepted(f.post(processor, 'lot.dispose', { code: FIL_B, amount: 35, reason: '召回销毁' }));
    expect(await anomalies()).toEqual([]);
    void farm;
  });

  test('when the recall is carried out before the deadline, then no anomaly ever opens', async () => {
    const { f, processor, market } = c;
    await accepted(f.post(f.regulator, 'lot.recall', { code: FIL_A, level: 1, reason: 'x' }));
    await accepted(f.post(market, 'lot.dispose', { code: FIL_A, amount: 68, reason: 'recall' }));
    f.clock.advance(3 * DAY);
    await accepted(f.post(processor, 'lot.dispose', { code: FARM_LOT, amount: 1, reason: 'unrelated' }));
    expect(await anomalies()).toEqual([]);
  });
});

describe('GET /v1/regulator/recalls', () => {
  test('when a recall is carried out over time, then its series falls from what was out to zero, and overdue follows the clock', async () => {
    const { f, processor, market } = c;
    const recall = await accepted(f.post(f.regulator, 'lot.recall', { code: FARM_LOT, level: 1, reason: '孔雀石绿' }));
    f.clock.advance(2 * HOUR);
    const d1 = await accepted(f.post(market, 'lot.dispose', { code: FIL_A, amount: 68, reason: 'recall' }));
    f.clock.advance(30 * HOUR);
    let body = (await f.get('/v1/regulator/recalls', f.regulator)).body;
    expect(body.recalls).toHaveLength(1);
    expect(body.recalls[0]).toMatchObject({
      lot: FARM_LOT,
      index: recall.index,
      level: 1,
      lots: 3,
      overdue: true,
      remaining: { kg: 260 },
      series: [
        { at: recall.at, remaining: { kg: 328 } },
        { at: d1.at, remaining: { kg: 260 } },
      ],
    });
    await accepted(f.post(market, 'lot.receive', { shipment: 'SH-3', amount: 24 }));
    await accepted(f.post(market, 'lot.dispose', { code: FIL_B, amount: 24, reason: 'recall' }));
    await accepted(f.post(processor, 'lot.dispose', { code: FIL_B, amount: 35, reason: 'recall' }));
    await accepted(f.post(processor, 'lot.dispose', { code: FARM_LOT, amount: 200, reason: 'recall' }));
    body = (await f.get('/v1/regulator/recalls', f.regulator)).body;
    expect(body.recalls[0]).toMatchObject({ overdue: false, remaining: { kg: 0 } });
    expect(body.recalls[0].series.map((p: { remaining: { kg: number } }) => p.remaining.kg)).toEqual([328, 260, 259, 235, 200, 0]);
  });

  test('when several recalls were ordered, then newest first, and limit bounds them', async () => {
    const { f } = c;
    await accepted(f.post(f.regulator, 'lot.recall', { code: FIL_A, level: 2, reason: 'a' }));
    await accepted(f.post(f.regulator, 'lot.recall', { code: FIL_B, level: 3, reason: 'b' }));
    const all = (await f.get('/v1/regulator/recalls', f.regulator)).body.recalls;
    expect(all.map((r: { lot: string }) => r.lot)).toEqual([FIL_B, FIL_A]);
    const one = (await f.get('/v1/regulator/recalls?limit=1', f.regulator)).body.recalls;
    expect(one.map((r: { lot: string }) => r.lot)).toEqual([FIL_B]);
  });

  test('when unsigned, signed by a farm, or with a bad limit, then 401, 403, 400', async () => {
    const { f, farm } = c;
    const anon = await request(f.app).get('/v1/regulator/recalls');
    const asFarm = await f.get('/v1/regulator/recalls', farm);
    const bad = await f.get('/v1/regulator/recalls?limit=0', f.regulator);
    expect([anon.status, anon.body.code, asFarm.status, asFarm.body.code, bad.status, bad.body.code]).toEqual([
      401,
      'unauthenticated',
      403,
      'forbidden',
      400,
      'invalid_request',
    ]);
  });
});
