/**
 * Every rule of SPEC §7 (and the permissions of §5) refusing an event: HTTP
 * status, body.code, and the ledger's size and head unchanged. One chain is set
 * up once with lots in each state; rejections leave it as it was.
 */
import request from 'supertest';
import { signEvent } from '../helpers/fixture.js';
import { createBody, DAY, failBody, HOUR, MIN, output, passBody, readings, startChain, type Chain } from './helpers.js';
import { accepted, rejected } from '../helpers/outcomes.js';
import type { ErrorCode } from '../../src/errors.js';

let c: Chain;

/**
 * OK, HELD, RECALLED, EXPIRED: 100 kg each, created by the farm, 30 kg of each
 * received by the processor and 30 kg by the market; then HELD fails a test,
 * RECALLED is recalled and EXPIRED's expiry passes. OPEN is a shipment of OK
 * (10 kg, farm → market) not yet received; DONE one already received.
 */
beforeAll(async () => {
  c = await startChain();
  const { f, farm, inspector, processor, market, carrier } = c;
  for (const code of ['OK', 'HELD', 'RECALLED', 'EXPIRED']) {
    const expiresAt = new Date(f.clock.ms + (code === 'EXPIRED' ? HOUR : 7 * DAY)).toISOString();
    await accepted(f.post(farm, 'lot.create', createBody(code, 100, { expiresAt })));
    for (const to of [processor, market]) {
      await accepted(f.post(farm, 'lot.ship', { shipment: `${code}-${to.id}`, code, amount: 30, to: to.id, carrier: carrier.id }));
      await accepted(f.post(to, 'lot.receive', { shipment: `${code}-${to.id}`, amount: 30 }));
    }
  }
  await accepted(f.post(farm, 'lot.ship', { shipment: 'OPEN', code: 'OK', amount: 10, to: market.id, carrier: carrier.id }));
  await accepted(f.post(farm, 'lot.ship', { shipment: 'DONE', code: 'OK', amount: 10, to: market.id }));
  await accepted(f.post(market, 'lot.receive', { shipment: 'DONE', amount: 10 }));
  await accepted(f.post(inspector, 'lot.inspect', failBody('HELD')));
  await accepted(f.post(f.regulator, 'lot.recall', { code: 'RECALLED', level: 2, reason: 'histamine above limit' }));
  await accepted(f.post(farm, 'lot.create', { ...createBody('BOXES', 10), quantity: { amount: 10, unit: 'box' } }));
  f.clock.advance(2 * HOUR);
});
afterAll(() => c.f.close());

type Case = [string, number, ErrorCode, (c: Chain) => request.Test];

const ship = (code: string, amount: number, o: Record<string, unknown> = {}) => ({
  shipment: `S-${code}-${amount}`,
  code,
  amount,
  to: 'hz-market-01',
  ...o,
});
const transform = (code: string, amount: number) => ({ inputs: [{ code, amount }], outputs: [output(`OUT-${code}`, 5)] });

const cases: Record<string, Case[]> = {
  'lot.create': [
    ['the code exists', 409, 'lot_exists', ({ f, farm }) => f.post(farm, 'lot.create', createBody('OK', 1))],
    [
      'expiresAt is not after the entry time',
      400,
      'invalid_event',
      ({ f, farm }) => f.post(farm, 'lot.create', createBody('NEW', 1, { expiresAt: f.clock.iso() })),
    ],
    [
      'harvestedAt is in the future',
      400,
      'invalid_event',
      ({ f, farm }) => f.post(farm, 'lot.create', createBody('NEW', 1, { harvestedAt: new Date(f.clock.ms + HOUR).toISOString() })),
    ],
    [
      'the body has an unknown field',
      400,
      'invalid_event',
      ({ f, farm }) => f.post(farm, 'lot.create', createBody('NEW', 1, { colour: 'gold' })),
    ],
    ['an amount has more than 6 decimals', 400, 'invalid_event', ({ f, farm }) => f.post(farm, 'lot.create', createBody('NEW', 1.0000001))],
    [
      'a lot counted in boxes is created with half a box',
      400,
      'invalid_event',
      ({ f, farm }) => f.post(farm, 'lot.create', { ...createBody('NEW', 1), quantity: { amount: 1.5, unit: 'box' } }),
    ],
    ['a retailer creates a lot', 403, 'forbidden', ({ f, market }) => f.post(market, 'lot.create', createBody('NEW', 1))],
  ],
  'lot.inspect': [
    ['the lot does not exist', 404, 'lot_not_found', ({ f, inspector }) => f.post(inspector, 'lot.inspect', passBody('NOPE'))],
    ['a processor inspects', 403, 'forbidden', ({ f, processor }) => f.post(processor, 'lot.inspect', passBody('OK'))],
    [
      'the result is pass but a test failed',
      400,
      'invalid_event',
      ({ f, inspector }) => f.post(inspector, 'lot.inspect', { ...failBody('HELD'), result: 'pass' }),
    ],
    ['no test is listed', 400, 'invalid_event', ({ f, inspector }) => f.post(inspector, 'lot.inspect', { ...passBody('OK'), tests: [] })],
  ],
  'lot.transform': [
    ['a producer transforms', 403, 'forbidden', ({ f, farm }) => f.post(farm, 'lot.transform', transform('OK', 1))],
    ['an input does not exist', 404, 'lot_not_found', ({ f, processor }) => f.post(processor, 'lot.transform', transform('NOPE', 1))],
    [
      'the processor holds none of an input',
      422,
      'not_holder',
      ({ f, processor }) => f.post(processor, 'lot.transform', transform('BOXES', 1)),
    ],
    [
      'an input amount is more than held',
      422,
      'quantity_exceeded',
      ({ f, processor }) => f.post(processor, 'lot.transform', transform('OK', 30.5)),
    ],
    ['an input is on hold', 422, 'lot_held', ({ f, processor }) => f.post(processor, 'lot.transform', transform('HELD', 1))],
    ['an input is recalled', 422, 'lot_recalled', ({ f, processor }) => f.post(processor, 'lot.transform', transform('RECALLED', 1))],
    ['an input has expired', 422, 'lot_expired', ({ f, processor }) => f.post(processor, 'lot.transform', transform('EXPIRED', 1))],
    [
      'an output code exists',
      409,
      'lot_exists',
      ({ f, processor }) => f.post(processor, 'lot.transform', { inputs: [{ code: 'OK', amount: 1 }], outputs: [output('HELD', 1)] }),
    ],
    [
      'an input is listed twice',
      400,
      'invalid_event',
      ({ f, processor }) =>
        f.post(processor, 'lot.transform', {
          inputs: [
            { code: 'OK', amount: 1 },
            { code: 'OK', amount: 1 },
          ],
          outputs: [output('N1', 1)],
        }),
    ],
    [
      'an output code is listed twice',
      400,
      'invalid_event',
      ({ f, processor }) =>
        f.post(processor, 'lot.transform', { inputs: [{ code: 'OK', amount: 2 }], outputs: [output('N1', 1), output('N1', 1)] }),
    ],
    [
      'an output expires before the entry time',
      400,
      'invalid_event',
      ({ f, processor }) =>
        f.post(processor, 'lot.transform', {
          inputs: [{ code: 'OK', amount: 1 }],
          outputs: [output('N1', 1, { expiresAt: new Date(f.clock.ms - MIN).toISOString() })],
        }),
    ],
  ],
  'lot.ship': [
    ['the lot does not exist', 404, 'lot_not_found', ({ f, farm }) => f.post(farm, 'lot.ship', ship('NOPE', 1))],
    ['the shipment id exists', 409, 'shipment_exists', ({ f, farm }) => f.post(farm, 'lot.ship', ship('OK', 1, { shipment: 'DONE' }))],
    ['the sender holds none', 422, 'not_holder', ({ f, carrier }) => f.post(carrier, 'lot.ship', ship('OK', 1))],
    ['the amount is more than held', 422, 'quantity_exceeded', ({ f, farm }) => f.post(farm, 'lot.ship', ship('OK', 20.000001))],
    ['the lot is on hold', 422, 'lot_held', ({ f, farm }) => f.post(farm, 'lot.ship', ship('HELD', 1))],
    ['the lot is recalled', 422, 'lot_recalled', ({ f, farm }) => f.post(farm, 'lot.ship', ship('RECALLED', 1))],
    [
      'the recipient is not registered',
      400,
      'invalid_event',
      ({ f, farm }) => f.post(farm, 'lot.ship', ship('OK', 1, { to: 'nobody-01' })),
    ],
    ['the sender ships to itself', 400, 'invalid_event', ({ f, farm }) => f.post(farm, 'lot.ship', ship('OK', 1, { to: farm.id }))],
    [
      'the carrier is not a carrier',
      400,
      'invalid_event',
      ({ f, farm, processor }) => f.post(farm, 'lot.ship', ship('OK', 1, { carrier: processor.id })),
    ],
    ['a card holder ships', 401, 'unknown_actor', ({ f, farm }) => f.post(farm, 'lot.ship', ship('OK', 1), { actor: 'card:C-1' })],
  ],
  'lot.receive': [
    [
      'the shipment does not exist',
      404,
      'shipment_not_found',
      ({ f, market }) => f.post(market, 'lot.receive', { shipment: 'NOPE', amount: 1 }),
    ],
    [
      'someone other than the recipient receives',
      403,
      'forbidden',
      ({ f, processor }) => f.post(processor, 'lot.receive', { shipment: 'OPEN', amount: 10 }),
    ],
    [
      'the shipment was already received',
      422,
      'shipment_closed',
      ({ f, market }) => f.post(market, 'lot.receive', { shipment: 'DONE', amount: 10 }),
    ],
    [
      'more arrives than was shipped',
      422,
      'quantity_exceeded',
      ({ f, market }) => f.post(market, 'lot.receive', { shipment: 'OPEN', amount: 10.5 }),
    ],
    ['the amount is negative', 400, 'invalid_event', ({ f, market }) => f.post(market, 'lot.receive', { shipment: 'OPEN', amount: -1 })],
  ],
  'lot.temperature': [
    [
      'the shipment does not exist',
      404,
      'shipment_not_found',
      ({ f, carrier }) => f.post(carrier, 'lot.temperature', { shipment: 'NOPE', readings: readings(f.clock.ms, MIN, [2]) }),
    ],
    [
      'the lot does not exist',
      404,
      'lot_not_found',
      ({ f, farm }) => f.post(farm, 'lot.temperature', { code: 'NOPE', readings: readings(f.clock.ms, MIN, [2]) }),
    ],
    [
      'neither the carrier nor a holder posts for a shipment',
      403,
      'forbidden',
      ({ f, inspector }) => f.post(inspector, 'lot.temperature', { shipment: 'OPEN', readings: readings(f.clock.ms, MIN, [2]) }),
    ],
    [
      'a non-holder posts for a lot',
      403,
      'forbidden',
      ({ f, carrier }) => f.post(carrier, 'lot.temperature', { code: 'OK', readings: readings(f.clock.ms, MIN, [2]) }),
    ],
    [
      'a reading is more than 600 s in the future',
      400,
      'invalid_event',
      ({ f, carrier }) => f.post(carrier, 'lot.temperature', { shipment: 'OPEN', readings: readings(f.clock.ms + 601_000, MIN, [2]) }),
    ],
    [
      'there are no readings',
      400,
      'invalid_event',
      ({ f, carrier }) => f.post(carrier, 'lot.temperature', { shipment: 'OPEN', readings: [] }),
    ],
    [
      'there are 1001 readings',
      400,
      'invalid_event',
      ({ f, carrier }) =>
        f.post(carrier, 'lot.temperature', { shipment: 'OPEN', readings: readings(f.clock.ms - DAY, 1000, Array(1001).fill(2)) }),
    ],
    [
      'both shipment and code are given',
      400,
      'invalid_event',
      ({ f, carrier }) => f.post(carrier, 'lot.temperature', { shipment: 'OPEN', code: 'OK', readings: readings(f.clock.ms, MIN, [2]) }),
    ],
  ],
  'lot.sell': [
    ['a processor sells', 403, 'forbidden', ({ f, processor }) => f.post(processor, 'lot.sell', { code: 'OK', amount: 1 })],
    ['the lot does not exist', 404, 'lot_not_found', ({ f, market }) => f.post(market, 'lot.sell', { code: 'NOPE', amount: 1 })],
    ['the retailer holds none', 422, 'not_holder', ({ f, market }) => f.post(market, 'lot.sell', { code: 'BOXES', amount: 1 })],
    ['more is sold than held', 422, 'quantity_exceeded', ({ f, market }) => f.post(market, 'lot.sell', { code: 'OK', amount: 40.5 })],
    ['the lot has expired', 422, 'lot_expired', ({ f, market }) => f.post(market, 'lot.sell', { code: 'EXPIRED', amount: 1 })],
    ['the lot is on hold', 422, 'lot_held', ({ f, market }) => f.post(market, 'lot.sell', { code: 'HELD', amount: 1 })],
    ['the lot is recalled', 422, 'lot_recalled', ({ f, market }) => f.post(market, 'lot.sell', { code: 'RECALLED', amount: 1 })],
    ['the amount is 0', 400, 'invalid_event', ({ f, market }) => f.post(market, 'lot.sell', { code: 'OK', amount: 0 })],
  ],
  'lot.recall': [
    ['the lot does not exist', 404, 'lot_not_found', ({ f }) => f.post(f.regulator, 'lot.recall', { code: 'NOPE', level: 1, reason: 'x' })],
    [
      'a processor recalls a lot it did not create',
      403,
      'forbidden',
      ({ f, processor }) => f.post(processor, 'lot.recall', { code: 'OK', level: 1, reason: 'x' }),
    ],
    ['the level is 4', 400, 'invalid_event', ({ f }) => f.post(f.regulator, 'lot.recall', { code: 'OK', level: 4, reason: 'x' })],
  ],
  'lot.dispose': [
    [
      'the lot does not exist',
      404,
      'lot_not_found',
      ({ f, farm }) => f.post(farm, 'lot.dispose', { code: 'NOPE', amount: 1, reason: 'spoiled' }),
    ],
    [
      'the actor holds none',
      422,
      'not_holder',
      ({ f, carrier }) => f.post(carrier, 'lot.dispose', { code: 'OK', amount: 1, reason: 'spoiled' }),
    ],
    [
      'more is disposed of than held',
      422,
      'quantity_exceeded',
      ({ f, processor }) => f.post(processor, 'lot.dispose', { code: 'RECALLED', amount: 31, reason: 'recall' }),
    ],
    [
      'a lot counted in boxes loses half a box',
      400,
      'invalid_event',
      ({ f, farm }) => f.post(farm, 'lot.dispose', { code: 'BOXES', amount: 0.5, reason: 'crushed' }),
    ],
  ],
};

for (const [type, list] of Object.entries(cases))
  describe(type, () => {
    test.each(list)('when %s, then %i %s and the ledger is unchanged', async (_what, status, code, send) => {
      await rejected(c.f, send(c), status, code);
    });
  });

describe('a batch', () => {
  test('when its second event breaks a rule, then 422 batch_rejected and the first is not appended either', async () => {
    const { f, farm, market } = c;
    const before = f.state();
    const res = await request(f.app)
      .post('/v1/events/batch')
      .send({
        events: [signEvent(farm, 'lot.ship', ship('OK', 5), f.clock), signEvent(market, 'lot.sell', { code: 'OK', amount: 1000 }, f.clock)],
      });
    expect({ status: res.status, code: res.body.code, errors: res.body.errors }).toEqual({
      status: 422,
      code: 'batch_rejected',
      errors: [{ i: 1, code: 'quantity_exceeded', detail: expect.any(String) }],
    });
    expect(f.state()).toEqual(before);
  });
});
