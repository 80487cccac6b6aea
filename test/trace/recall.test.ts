/**
 * Holds and recalls (SPEC §7) and the regulators' recall view (§8): a failed
 * drug-residue test holds a lot until a later pass; a recall of the farm lot
 * reaches every lot made from it, blocks selling them, and leaves disposal and
 * receipt open; the recall view says who holds what and what is on the road.
 */
import request from 'supertest';
import { createBody, failBody, lotState, output, passBody, startChain, type Chain } from './helpers.js';
import { accepted, rejected } from '../helpers/outcomes.js';
import { FARM_LOT, FIL_A, FIL_B, farmToShelf } from './journey.js';

let c: Chain;
beforeEach(async () => {
  c = await startChain();
});
afterEach(() => c.f.close());

const statusOf = async (code: string): Promise<string> => (await request(c.f.app).get(`/v1/trace/${code}`)).body.status;

describe('a failed drug-residue test', () => {
  test('when the inspector fails the farm lot, then it is held: shipping is refused and the trace view says held', async () => {
    const { f, farm, inspector, processor } = c;
    await accepted(f.post(farm, 'lot.create', createBody(FARM_LOT, 500)));
    await accepted(f.post(inspector, 'lot.inspect', failBody(FARM_LOT)));
    expect(await statusOf(FARM_LOT)).toBe('held');
    await rejected(f, f.post(farm, 'lot.ship', { shipment: 'SH-1', code: FARM_LOT, amount: 10, to: processor.id }), 422, 'lot_held');
    const view = (await request(f.app).get(`/v1/trace/${FARM_LOT}`)).body;
    expect(view.inspections).toEqual([expect.objectContaining({ lot: FARM_LOT, result: 'fail', tests: failBody(FARM_LOT).tests })]);
  });

  test('when a later retest passes, then the hold is lifted and the lot ships', async () => {
    const { f, farm, inspector, processor } = c;
    await accepted(f.post(farm, 'lot.create', createBody(FARM_LOT, 500)));
    await accepted(f.post(inspector, 'lot.inspect', failBody(FARM_LOT)));
    await accepted(f.post(inspector, 'lot.inspect', passBody(FARM_LOT)));
    expect(await statusOf(FARM_LOT)).toBe('active');
    await accepted(f.post(farm, 'lot.ship', { shipment: 'SH-1', code: FARM_LOT, amount: 10, to: processor.id }));
  });

  test('when the lot is held, then its holder may still dispose of it', async () => {
    const { f, farm, inspector } = c;
    await accepted(f.post(farm, 'lot.create', createBody(FARM_LOT, 500)));
    await accepted(f.post(inspector, 'lot.inspect', failBody(FARM_LOT)));
    await accepted(f.post(farm, 'lot.dispose', { code: FARM_LOT, amount: 500, reason: 'drug residue' }));
    expect(lotState(f, FARM_LOT)).toMatchObject({ holdings: {}, disposed: 500 });
  });
});

describe('a recall of the farm lot', () => {
  beforeEach(() => farmToShelf(c));

  test('when the farm that created the root lot recalls it, then the fillets made from it can no longer be sold', async () => {
    const { f, farm, market } = c;
    await accepted(f.post(market, 'lot.sell', { code: FIL_A, amount: 1 }));
    await accepted(f.post(farm, 'lot.recall', { code: FARM_LOT, level: 1, reason: 'enrofloxacin above the limit' }));
    await rejected(f, f.post(market, 'lot.sell', { code: FIL_A, amount: 1 }), 422, 'lot_recalled');
    expect([await statusOf(FARM_LOT), await statusOf(FIL_A), await statusOf(FIL_B)]).toEqual(['recalled', 'recalled', 'recalled']);
    expect(lotState(f, FIL_A).recall).toMatchObject({ lot: FARM_LOT, level: 1, by: farm.id });
  });

  test('when it is recalled, then holders dispose of it, and what is on the road may still be received and then disposed of', async () => {
    const { f, farm, processor, market } = c;
    await accepted(f.post(farm, 'lot.recall', { code: FARM_LOT, level: 2, reason: 'histamine' }));
    await accepted(f.post(market, 'lot.dispose', { code: FIL_A, amount: 68, reason: 'recall' }));
    await rejected(f, f.post(processor, 'lot.ship', { shipment: 'SH-9', code: FIL_B, amount: 1, to: market.id }), 422, 'lot_recalled');
    await rejected(
      f,
      f.post(processor, 'lot.transform', { inputs: [{ code: FIL_B, amount: 1 }], outputs: [output('X-1', 1)] }),
      422,
      'lot_recalled',
    );
    await accepted(f.post(market, 'lot.receive', { shipment: 'SH-3', amount: 25 }));
    await accepted(f.post(market, 'lot.dispose', { code: FIL_B, amount: 25, reason: 'recall' }));
    expect(lotState(f, FIL_A)).toMatchObject({ holdings: {}, sold: 2, disposed: 68 });
    expect(lotState(f, FIL_B)).toMatchObject({ holdings: { [processor.id]: 35 }, inTransit: {}, disposed: 25 });
  });

  test('when a lot two transforms away exists, then the recall reaches it too', async () => {
    const { f, farm, processor } = c;
    await accepted(
      f.post(processor, 'lot.transform', {
        inputs: [{ code: FIL_B, amount: 10 }],
        outputs: [output('PACK-1', 20, { quantity: { amount: 20, unit: 'box' } })],
      }),
    );
    await accepted(f.post(farm, 'lot.recall', { code: FARM_LOT, level: 3, reason: 'label error' }));
    expect(await statusOf('PACK-1')).toBe('recalled');
    await rejected(f, f.post(processor, 'lot.ship', { shipment: 'SH-9', code: 'PACK-1', amount: 1, to: c.market.id }), 422, 'lot_recalled');
  });

  test('when a processor that did not create the root lot recalls its own fillets, then 403 forbidden; a regulator may', async () => {
    const { f, processor } = c;
    await rejected(f, f.post(processor, 'lot.recall', { code: FIL_A, level: 2, reason: 'x' }), 403, 'forbidden');
    await accepted(f.post(f.regulator, 'lot.recall', { code: FIL_A, level: 2, reason: 'consumer complaint' }));
    expect([await statusOf(FIL_A), await statusOf(FIL_B), await statusOf(FARM_LOT)]).toEqual(['recalled', 'active', 'active']);
  });

  test('when a lot is recalled twice, then it keeps the most severe level', async () => {
    const { f, farm } = c;
    await accepted(f.post(f.regulator, 'lot.recall', { code: FIL_A, level: 1, reason: 'listeria' }));
    await accepted(f.post(farm, 'lot.recall', { code: FARM_LOT, level: 3, reason: 'label error' }));
    expect(lotState(f, FIL_A).recall).toMatchObject({ level: 1, reason: 'listeria' });
    expect(lotState(f, FIL_B).recall).toMatchObject({ level: 3, lot: FARM_LOT });
  });
});

describe('GET /v1/regulator/recall/{code}', () => {
  beforeEach(() => farmToShelf(c));

  test('when a regulator asks before any recall, then it lists the lot and both fillet lots with every holder and what is in transit', async () => {
    const { f, processor, market, carrier } = c;
    const res = await f.get(`/v1/regulator/recall/${FARM_LOT}`, f.regulator);
    expect(res.status).toBe(200);
    const product = { name: '大黄鱼鱼片', category: 'aquatic' };
    expect(res.body).toEqual({
      code: FARM_LOT,
      lots: [
        {
          code: FARM_LOT,
          depth: 0,
          product: expect.objectContaining({ name: '大黄鱼' }),
          status: 'active',
          holdings: [{ actor: processor.id, amount: 200 }],
          inTransit: [],
          sold: 0,
          disposed: 0,
        },
        {
          code: FIL_A,
          depth: 1,
          product,
          status: 'active',
          holdings: [{ actor: market.id, amount: 68 }],
          inTransit: [],
          sold: 2,
          disposed: 0,
        },
        {
          code: FIL_B,
          depth: 1,
          product,
          status: 'active',
          holdings: [{ actor: processor.id, amount: 35 }],
          inTransit: [{ shipment: 'SH-3', from: processor.id, to: market.id, carrier: carrier.id, amount: 25 }],
          sold: 0,
          disposed: 0,
        },
      ],
    });
  });

  test('when the recall is under way, then the view follows: recalled, disposed amounts, the shipment received', async () => {
    const { f, farm, market } = c;
    await accepted(f.post(farm, 'lot.recall', { code: FARM_LOT, level: 1, reason: 'drug residue' }));
    await accepted(f.post(market, 'lot.receive', { shipment: 'SH-3', amount: 24 }));
    await accepted(f.post(market, 'lot.dispose', { code: FIL_B, amount: 24, reason: 'recall' }));
    const lots = (await f.get(`/v1/regulator/recall/${FARM_LOT}`, f.regulator)).body.lots;
    expect(lots.map((l: { status: string }) => l.status)).toEqual(['recalled', 'recalled', 'recalled']);
    expect(lots[2]).toMatchObject({ holdings: [{ actor: c.processor.id, amount: 35 }], inTransit: [], disposed: 24 });
    expect(lotState(f, FIL_B).lost).toBe(1);
  });

  test('when the request is unsigned, then 401 unauthenticated; signed by the farm, 403 forbidden; an unknown code, 404 lot_not_found', async () => {
    const { f, farm } = c;
    expect((await f.get(`/v1/regulator/recall/${FARM_LOT}`)).body.code).toBe('unauthenticated');
    const asFarm = await f.get(`/v1/regulator/recall/${FARM_LOT}`, farm);
    expect({ status: asFarm.status, code: asFarm.body.code }).toEqual({ status: 403, code: 'forbidden' });
    const unknown = await f.get('/v1/regulator/recall/NOPE-1', f.regulator);
    expect({ status: unknown.status, code: unknown.body.code }).toEqual({ status: 404, code: 'lot_not_found' });
  });
});
