/**
 * The food-traceability rules of SPEC §10, on the real app: for each, a scenario
 * that triggers it, one just under the threshold, and the event or the clock
 * that closes it (or, for facts that can never change, that it stays).
 */
import type { Fixture } from '../helpers/fixture.js';
import { accepted } from '../helpers/outcomes.js';
import {
  HOUR,
  inspectBody,
  iso,
  listAnomalies,
  lotBody,
  MIN,
  openAnomaly,
  readingsAt,
  startRegWorld,
  type RegWorld,
} from './anomaly-helpers.js';

let w: RegWorld;
let f: Fixture;
beforeEach(async () => {
  w = await startRegWorld();
  f = w.f;
});
afterEach(() => f.close());

/** Creates `code` (chilled, 100 kg) at the farm and ships it to the processor as `shipment`. */
const shipped = async (code: string, shipment: string, o: Record<string, unknown> = {}) => {
  await accepted(f.post(w.farm, 'lot.create', lotBody(code, 100, o)));
  return accepted(f.post(w.farm, 'lot.ship', { shipment, code, amount: 100, to: w.processor.id, carrier: w.carrier.id }));
};
const temps = (shipment: string, points: Array<[number, number]>, fromMs = f.clock.ms - 3 * HOUR) =>
  accepted(f.post(w.carrier, 'lot.temperature', { shipment, readings: readingsAt(fromMs, points) }));

describe('temp-excursion', () => {
  test('when a chilled shipment is above 4 °C for 30 min, then yellow (29 min: none); a late reading that shortens the spell closes it', async () => {
    await shipped('L-1', 'S-1');
    const from = f.clock.ms - 3 * HOUR;
    const first = await temps(
      'S-1',
      [
        [0, 2],
        [10, 5],
        [39, 2],
      ],
      from,
    );
    expect(await openAnomaly(f, 'temp-excursion', 'S-1')).toBeUndefined();
    const second = await temps(
      'S-1',
      [
        [40, 5],
        [41, 2],
      ],
      from,
    );
    expect(await openAnomaly(f, 'temp-excursion', 'S-1')).toMatchObject({
      id: 'temp-excursion:S-1',
      severity: 'yellow',
      subject: 'S-1',
      since: iso(from + 41 * MIN),
      detail: { minutesAbove: 30, readings: 5 },
      entries: [first.index, second.index],
    });
    // A reading from minute 20, posted late, ends the first spell after 10 min: 10 + 1 < 30.
    await temps('S-1', [[20, 3]], from);
    expect(await openAnomaly(f, 'temp-excursion', 'S-1')).toBeUndefined();
  });

  test('when a chilled shipment reads 8.1 °C once, then red; the same anomaly the trace view shows', async () => {
    await shipped('L-2', 'S-2');
    await temps('S-2', [
      [0, 2],
      [5, 8.1],
    ]);
    const open = await openAnomaly(f, 'temp-excursion', 'S-2');
    expect(open).toMatchObject({ severity: 'red', detail: { maxC: 8.1 } });
    const trace = await f.get('/v1/trace/L-2');
    expect(trace.body.temperature.excursions).toEqual([open]);
  });

  test('when readings are posted by lot code, then the lot is the subject', async () => {
    await accepted(f.post(w.farm, 'lot.create', lotBody('L-3', 10, { storage: 'frozen' })));
    await accepted(
      f.post(w.farm, 'lot.temperature', {
        code: 'L-3',
        readings: readingsAt(f.clock.ms - HOUR, [
          [0, -20],
          [1, -15],
        ]),
      }),
    );
    expect(await openAnomaly(f, 'temp-excursion', 'L-3')).toBeUndefined();
    await accepted(f.post(w.farm, 'lot.temperature', { code: 'L-3', readings: readingsAt(f.clock.ms - HOUR, [[2, -14.9]]) }));
    expect(await openAnomaly(f, 'temp-excursion', 'L-3')).toMatchObject({ severity: 'red', subject: 'L-3' });
  });
});

describe('recorder-gap', () => {
  test('when two readings are 10 min apart, none; 11 min, yellow; 61 min, red; readings filling the gap close it', async () => {
    await shipped('L-4', 'S-4');
    const from = f.clock.ms - 3 * HOUR;
    await temps(
      'S-4',
      [
        [0, 2],
        [10, 2],
      ],
      from,
    );
    expect(await openAnomaly(f, 'recorder-gap', 'S-4')).toBeUndefined();
    await temps('S-4', [[21, 2]], from);
    expect(await openAnomaly(f, 'recorder-gap', 'S-4')).toMatchObject({
      severity: 'yellow',
      since: iso(from + 20 * MIN),
      detail: { maxGapMinutes: 11 },
    });
    await temps('S-4', [[82, 2]], from);
    expect(await openAnomaly(f, 'recorder-gap', 'S-4')).toMatchObject({
      severity: 'red',
      since: iso(from + 20 * MIN),
      detail: { maxGapMinutes: 61, gapsOver60Min: 1 },
    });
    await temps(
      'S-4',
      [
        [15, 2],
        [30, 2],
        [40, 2],
        [50, 2],
        [60, 2],
        [70, 2],
      ],
      from,
    );
    expect(await openAnomaly(f, 'recorder-gap', 'S-4')).toMatchObject({ severity: 'yellow', detail: { maxGapMinutes: 12 } });
    await temps('S-4', [[76, 2]], from);
    expect(await openAnomaly(f, 'recorder-gap', 'S-4')).toBeUndefined();
  });
});

describe('short-receipt', () => {
  test.each([
    [98, undefined],
    [97.9, 'yellow'],
    [95, 'yellow'],
    [94.9, 'red'],
  ])('when 100 kg are shipped and %d kg received, then %s; a receipt is final, so it stays', async (received, severity) => {
    const ship = await shipped('L-5', 'S-5');
    const receipt = await accepted(f.post(w.processor, 'lot.receive', { shipment: 'S-5', amount: received }));
    const open = await openAnomaly(f, 'short-receipt', 'S-5');
    if (!severity) return expect(open).toBeUndefined();
    expect(open).toMatchObject({
      severity,
      since: receipt.at,
      entries: [ship.index, receipt.index],
      detail: { shipped: 100, received, unit: 'kg' },
    });
    await accepted(f.post(w.processor, 'lot.dispose', { code: 'L-5', amount: received, reason: '变质' }));
    expect(await openAnomaly(f, 'short-receipt', 'S-5')).toMatchObject({ severity });
  });
});

describe('in-transit-stale', () => {
  test('when a shipment is not received 72 h after shipping, then yellow (1 ms before: none), by the clock alone; receipt closes it', async () => {
    const ship = await shipped('L-6', 'S-6');
    f.clock.advance(72 * HOUR - 1);
    expect(await openAnomaly(f, 'in-transit-stale', 'S-6')).toBeUndefined();
    f.clock.advance(1);
    expect(await openAnomaly(f, 'in-transit-stale', 'S-6')).toMatchObject({
      severity: 'yellow',
      since: iso(Date.parse(ship.at) + 72 * HOUR),
      detail: { lot: 'L-6', from: w.farm.id, to: w.processor.id, carrier: w.carrier.id, amount: 100 },
      entries: [ship.index],
    });
    f.clock.advance(HOUR);
    await accepted(f.post(w.processor, 'lot.receive', { shipment: 'S-6', amount: 100 }));
    expect(await openAnomaly(f, 'in-transit-stale', 'S-6')).toBeUndefined();
  });
});

describe('yield', () => {
  const transform = (inputs: Array<[string, number]>, outputs: Array<[string, number, string]>) =>
    accepted(
      f.post(w.processor, 'lot.transform', {
        inputs: inputs.map(([code, amount]) => ({ code, amount })),
        outputs: outputs.map(([code, amount, unit]) => ({
          code,
          product: { name: '鱼片', category: 'aquatic' },
          quantity: { amount, unit },
          storage: 'chilled',
        })),
      }),
    );
  const own = async (code: string, amount: number, unit = 'kg') => {
    await accepted(f.post(w.processor, 'lot.create', { ...lotBody(code, amount), quantity: { amount, unit } }));
  };

  test('when outputs weigh exactly the inputs, then none; 1 g more, red on the first output, across t, kg and g', async () => {
    await own('IN-1', 1, 't');
    await own('IN-2', 500);
    await transform(
      [
        ['IN-1', 0.5],
        ['IN-2', 100],
      ],
      [
        ['OUT-1', 400, 'kg'],
        ['OUT-2', 200_000, 'g'],
      ],
    );
    expect((await listAnomalies(f, '?rule=yield')).anomalies).toEqual([]);
    const t = await transform(
      [
        ['IN-1', 0.5],
        ['IN-2', 100],
      ],
      [
        ['OUT-3', 599.999, 'kg'],
        ['OUT-4', 1.001, 'kg'],
      ],
    );
    expect(await openAnomaly(f, 'yield', 'OUT-3')).toMatchObject({
      severity: 'red',
      since: t.at,
      detail: { unit: 'kg', input: 600, output: 601, inputs: ['IN-1', 'IN-2'], outputs: ['OUT-3', 'OUT-4'] },
      entries: [t.index],
    });
  });

  test('when units cannot be compared (kg in, pieces out), then none; boxes compare with boxes', async () => {
    await own('IN-3', 100);
    await transform([['IN-3', 10]], [['OUT-5', 500, 'piece']]);
    await own('IN-4', 10, 'box');
    await transform([['IN-4', 10]], [['OUT-6', 11, 'box']]);
    expect((await listAnomalies(f, '?rule=yield')).anomalies.map((a) => a.subject)).toEqual(['OUT-6']);
  });
});

describe('failed-descendant', () => {
  const made = async () => {
    await accepted(f.post(w.processor, 'lot.create', lotBody('FARM-1', 100)));
    await accepted(
      f.post(w.processor, 'lot.transform', {
        inputs: [{ code: 'FARM-1', amount: 60 }],
        outputs: [
          { code: 'FIL-1', product: { name: '鱼片', category: 'aquatic' }, quantity: { amount: 50, unit: 'kg' }, storage: 'chilled' },
        ],
      }),
    );
    await accepted(
      f.post(w.processor, 'lot.transform', {
        inputs: [{ code: 'FIL-1', amount: 10 }],
        outputs: [
          { code: 'PACK-1', product: { name: '鱼片盒', category: 'aquatic' }, quantity: { amount: 20, unit: 'box' }, storage: 'chilled' },
        ],
      }),
    );
  };

  test('when a lot fails inspection, then each descendant with quantity is red; a later pass closes them', async () => {
    await made();
    const fail = await accepted(f.post(w.inspector, 'lot.inspect', inspectBody('FARM-1', 'fail')));
    expect(await openAnomaly(f, 'failed-descendant', 'FARM-1')).toBeUndefined();
    for (const [code, remaining] of [
      ['FIL-1', 40],
      ['PACK-1', 20],
    ] as const)
      expect(await openAnomaly(f, 'failed-descendant', code)).toMatchObject({
        severity: 'red',
        since: fail.at,
        detail: { failed: ['FARM-1'], remaining },
        entries: [fail.index],
      });
    await accepted(f.post(w.inspector, 'lot.inspect', inspectBody('FARM-1', 'pass')));
    expect((await listAnomalies(f, '?rule=failed-descendant')).anomalies).toEqual([]);
  });

  test('when a descendant has nothing left, then none; disposing of what is left closes an open one; a lot made later from it is flagged', async () => {
    await made();
    await accepted(f.post(w.processor, 'lot.dispose', { code: 'PACK-1', amount: 20, reason: '过期' }));
    await accepted(f.post(w.inspector, 'lot.inspect', inspectBody('FARM-1', 'fail')));
    expect(await openAnomaly(f, 'failed-descendant', 'PACK-1')).toBeUndefined();
    await accepted(f.post(w.processor, 'lot.ship', { shipment: 'S-7', code: 'FIL-1', amount: 30, to: w.market.id, carrier: w.carrier.id }));
    await accepted(f.post(w.processor, 'lot.dispose', { code: 'FIL-1', amount: 5, reason: '召回' }));
    expect((await openAnomaly(f, 'failed-descendant', 'FIL-1'))?.detail).toMatchObject({ remaining: 35 });
    await accepted(
      f.post(w.processor, 'lot.transform', {
        inputs: [{ code: 'FIL-1', amount: 5 }],
        outputs: [
          { code: 'PACK-2', product: { name: '鱼片盒', category: 'aquatic' }, quantity: { amount: 10, unit: 'box' }, storage: 'chilled' },
        ],
      }),
    );
    expect(await openAnomaly(f, 'failed-descendant', 'PACK-2')).toMatchObject({ detail: { failed: ['FARM-1'] } });
    await accepted(f.post(w.market, 'lot.receive', { shipment: 'S-7', amount: 30 }));
    await accepted(f.post(w.market, 'lot.dispose', { code: 'FIL-1', amount: 30, reason: '召回' }));
    expect(await openAnomaly(f, 'failed-descendant', 'FIL-1')).toBeUndefined();
  });
});

describe('closed-season', () => {
  const wild = (code: string, harvestedAt?: string, zone = 'east-china-sea') =>
    f.post(
      w.farm,
      'lot.create',
      lotBody(code, 10, { origin: { place: '东海', zone, method: 'wild' }, ...(harvestedAt && { harvestedAt }) }),
    );

  test.each([
    ['2026-04-30T15:59:59.999Z', false], // 23:59:59.999 on Apr 30, China Standard Time
    ['2026-04-30T16:00:00.000Z', true], // 00:00 on May 1 CST
    ['2026-09-16T15:59:59.999Z', true], // the last instant of Sep 16 CST
    ['2026-09-16T16:00:00.000Z', false], // 00:00 on Sep 17 CST
  ])('when a wild East China Sea lot is harvested at %s, then red is %s; it never closes', async (harvestedAt, red) => {
    const created = await accepted(wild('W-1', harvestedAt));
    const open = await openAnomaly(f, 'closed-season', 'W-1');
    if (!red) return expect(open).toBeUndefined();
    expect(open).toMatchObject({
      severity: 'red',
      since: created.at,
      entries: [created.index],
      detail: { zone: 'east-china-sea', method: 'wild', harvestedAt },
    });
    await accepted(f.post(w.farm, 'lot.dispose', { code: 'W-1', amount: 10, reason: '没收' }));
    expect(await openAnomaly(f, 'closed-season', 'W-1')).toBeDefined();
  });

  test('when the lot is farmed, or from another zone, then none; without harvestedAt the entry time counts', async () => {
    await accepted(f.post(w.farm, 'lot.create', lotBody('F-1', 10, { harvestedAt: '2026-06-01T00:00:00.000Z' })));
    await accepted(wild('W-2', '2026-06-01T00:00:00.000Z', 'yellow-sea'));
    await accepted(wild('W-3')); // the fixture's clock is 22 Nov
    expect((await listAnomalies(f, '?rule=closed-season')).anomalies).toEqual([]);
  });
});
