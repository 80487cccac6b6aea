/**
 * Hostile events the rules must refuse: a lot flooded with temperature readings,
 * an auditor made a lot holder, an unverified co-signature smuggled onto an event
 * whose rule ignores it, and personal data in free text. Each is rejected with its
 * code and leaves the ledger unchanged.
 */
import { MAX_LOT_READINGS } from '../../src/trace/rules/readings.js';
import { findPersonalData } from '../../schemas/pii.js';
import { newKey, signEvent } from '../helpers/fixture.js';
import { accepted, rejected } from '../helpers/outcomes.js';
import { createBody, readings, startChain, type Chain } from '../trace/helpers.js';

let c: Chain;
beforeAll(async () => {
  c = await startChain();
  await accepted(c.f.post(c.farm, 'lot.create', createBody('DC-H-1', 1000)));
});
afterAll(() => c.f.close());

describe('temperature readings per lot', () => {
  test(`when a lot already holds ${MAX_LOT_READINGS} readings, then one more is 422 readings_exceeded`, async () => {
    const { f, farm } = c;
    const start = f.clock.ms - 20 * 24 * 3600_000;
    let posted = 0;
    while (posted < MAX_LOT_READINGS) {
      const n = Math.min(1000, MAX_LOT_READINGS - posted);
      const cs = Array.from({ length: n }, () => 2);
      await accepted(f.post(farm, 'lot.temperature', { code: 'DC-H-1', readings: readings(start + posted * 60_000, 60_000, cs) }));
      posted += n;
    }
    await rejected(
      f,
      f.post(farm, 'lot.temperature', { code: 'DC-H-1', readings: readings(f.clock.ms - 1000, 1, [3]) }),
      422,
      'readings_exceeded',
    );
  });
});

describe('an auditor as a lot holder', () => {
  test('when a lot is shipped to an auditor, then 400 invalid_event', async () => {
    const { f, farm } = c;
    await f.register('aud-h', 'auditor');
    await rejected(f, f.post(farm, 'lot.ship', { shipment: 'SH-AUD', code: 'DC-H-1', amount: 1, to: 'aud-h' }), 400, 'invalid_event');
  });
});

describe('co-signatures', () => {
  test('when an event whose rule uses no co-signature carries one, then 400 invalid_event naming it', async () => {
    const { f } = c;
    const env = signEvent(
      f.regulator,
      'actor.register',
      { id: 'p-cosig', role: 'producer', name: 'p', publicKey: newKey('p').publicKey },
      f.clock,
      {
        holder: newKey('someone'),
      },
    );
    const res = await rejected(f, f.postEnvelope(env), 400, 'invalid_event');
    expect(res.body.detail).toMatch('cosig.holder');
  });

  test('when a lot event carries a made-up co-signature name, then 400 invalid_event', async () => {
    const { f, farm } = c;
    const env = signEvent(farm, 'lot.temperature', { code: 'DC-H-1', readings: readings(f.clock.ms, 1, [2]) }, f.clock);
    await rejected(f, f.postEnvelope({ ...env, cosig: { witness: 'A'.repeat(86) } }), 400, 'invalid_event');
  });
});

describe('personal data in free text', () => {
  test.each([
    ['a mobile number', 'actor.suspend', { id: 'dachen-farm-01', reason: '联系人电话 13812345678' }, 'body.reason'],
    ['a +86 mobile number', 'actor.suspend', { id: 'dachen-farm-01', reason: 'call +86 138-1234-5678' }, 'body.reason'],
    ['a landline', 'actor.suspend', { id: 'dachen-farm-01', reason: '电话 0571-87654321' }, 'body.reason'],
    ['a resident ID number', 'actor.suspend', { id: 'dachen-farm-01', reason: '身份证 11010519491231002X' }, 'body.reason'],
    [
      'an e-mail address',
      'actor.register',
      { id: 'p-mail', role: 'producer', name: 'zhang.san@example.com', publicKey: newKey('m').publicKey },
      'body.name',
    ],
  ])('when a field holds %s, then 400 invalid_event naming the field', async (_what, type, body, field) => {
    const res = await rejected(c.f, c.f.post(c.f.regulator, type, body), 400, 'invalid_event');
    expect(res.body.detail).toMatch(field);
    expect(res.body.detail).toMatch('personal data');
  });

  test('when free text holds prices, dates, batch numbers and test values, then it passes', () => {
    for (const text of [
      '价格 1380 元，2026-11-28 批次 20261128001',
      '恩诺沙星 180 μg/kg (limit 100)',
      'order 1234567890',
      '台州市椒江区大陈岛 28.4536,121.8894',
    ])
      expect(findPersonalData(text)).toBeUndefined();
  });

  test('when an 18-digit number has a wrong check digit, then it is not taken for an ID number', () => {
    expect(findPersonalData('110105194912310021')).toBeUndefined();
    expect(findPersonalData('11010519491231002X')).toBe('a resident ID number');
  });
});
