/**
 * A large yellow croaker's journey from a 大陈岛 farm to a Hangzhou supermarket
 * shelf (SPEC §7, §8), and a consumer who scans a fillet box and checks every
 * line of the trace view without trusting the server. The steps run in order
 * and share the ledger, like the real thing.
 */
import request from 'supertest';
import {
  entryLeaf,
  fromBase64Url,
  fromHex,
  verifyCheckpoint,
  verifyEnvelopeSignature,
  verifyInclusion,
  type Checkpoint,
  type Entry,
} from '../../ledger/index.js';
import { nobleSuite } from '../../ledger/suite-noble.js';
import { ORIGIN } from '../helpers/fixture.js';
import { createBody, DACHEN, DAY, HOUR, lotState, MIN, output, passBody, readings, startChain, type Chain } from './helpers.js';
import { accepted } from '../helpers/outcomes.js';

let c: Chain;
const FARM = 'DC-2026-1122-01';
const FILLET = 'FIL-2026-1122-01';
const FILLET_2 = 'FIL-2026-1122-02';
const idx: Record<string, number> = {};

beforeAll(async () => {
  c = await startChain();
});
afterAll(() => c.f.close());

interface TraceView {
  code: string;
  status: string;
  timeline: Array<{
    lot: string;
    index: number;
    at: string;
    event: Entry['event'];
    leaf: string;
    actor: { id: string; name: string; role: string };
  }>;
  checkpoint: Checkpoint;
  proofs: Record<string, string[]>;
  [k: string]: unknown;
}

/** What a scanner does: recompute each leaf, check each proof and the checkpoint signature against the pinned operator key, with @noble only. */
const verifyIndependently = (view: TraceView, operatorKey: string, actorKeys: Map<string, string>): string[] => {
  const problems: string[] = [];
  const key = fromBase64Url(operatorKey)!;
  const bad = verifyCheckpoint(nobleSuite, view.checkpoint, ORIGIN, key);
  if (bad) problems.push(`checkpoint: ${bad}`);
  const root = fromHex(view.checkpoint.root)!;
  for (const item of view.timeline) {
    const leaf = entryLeaf(nobleSuite, item.index, item.at, item.event);
    if (Buffer.from(leaf).toString('hex') !== item.leaf) problems.push(`${item.index}: leaf`);
    const path = (view.proofs[item.index] ?? []).map((h) => fromHex(h)!);
    if (!verifyInclusion(nobleSuite, item.index, view.checkpoint.size, leaf, path, root)) problems.push(`${item.index}: inclusion`);
    const pub = actorKeys.get(item.event.actor);
    if (!pub || !verifyEnvelopeSignature(nobleSuite, item.event, pub, item.event.sig)) problems.push(`${item.index}: signature`);
  }
  return problems;
};

describe('from the 大陈岛 farm to the supermarket shelf', () => {
  test('when the farm creates a chilled 500 kg lot of 大黄鱼 with its origin, then the farm holds all of it', async () => {
    const { f, farm } = c;
    const expiresAt = new Date(f.clock.ms + 7 * DAY).toISOString();
    const harvestedAt = new Date(f.clock.ms - 2 * HOUR).toISOString();
    idx.create = (await accepted(f.post(farm, 'lot.create', createBody(FARM, 500, { harvestedAt, expiresAt })))).index;
    expect(lotState(f, FARM)).toMatchObject({ quantity: { amount: 500, unit: 'kg' }, holdings: { [farm.id]: 500 }, roots: [FARM] });
  });

  test('when the inspector passes it, then it may leave the farm', async () => {
    idx.inspect = (await accepted(c.f.post(c.inspector, 'lot.inspect', passBody(FARM)))).index;
    expect(lotState(c.f, FARM).inspection).toMatchObject({ result: 'pass', index: idx.inspect });
  });

  test('when it is shipped to the processor and received there, then the processor holds it', async () => {
    const { f, farm, processor, carrier } = c;
    idx.ship1 = (
      await accepted(f.post(farm, 'lot.ship', { shipment: 'SH-DC-01', code: FARM, amount: 500, to: processor.id, carrier: carrier.id }))
    ).index;
    expect(lotState(f, FARM)).toMatchObject({ holdings: {}, inTransit: { 'SH-DC-01': 500 } });
    f.clock.advance(90 * MIN);
    idx.temp1 = (
      await accepted(
        f.post(carrier, 'lot.temperature', {
          shipment: 'SH-DC-01',
          readings: readings(f.clock.ms - 90 * MIN, 5 * MIN, Array(18).fill(1.8)),
        }),
      )
    ).index;
    idx.receive1 = (await accepted(f.post(processor, 'lot.receive', { shipment: 'SH-DC-01', amount: 500 }))).index;
    expect(lotState(f, FARM)).toMatchObject({ holdings: { [processor.id]: 500 }, inTransit: {}, lost: 0 });
  });

  test('when the processor fillets 300 kg into two lots, then each fillet lot records the farm lot as its input and root', async () => {
    const { f, processor } = c;
    idx.transform = (
      await accepted(
        f.post(processor, 'lot.transform', { inputs: [{ code: FARM, amount: 300 }], outputs: [output(FILLET, 80), output(FILLET_2, 60)] }),
      )
    ).index;
    expect(lotState(f, FARM)).toMatchObject({ holdings: { [processor.id]: 200 }, transformedOut: 300 });
    expect(lotState(f, FILLET)).toMatchObject({ inputs: [{ code: FARM, amount: 300 }], roots: [FARM], holdings: { [processor.id]: 80 } });
    expect(lotState(f, FILLET).expiresAt).toBe(lotState(f, FARM).expiresAt);
  });

  test('when the cold-chain carrier takes a fillet lot to the supermarket, logging every 5 minutes, then the supermarket receives and sells', async () => {
    const { f, processor, carrier, market } = c;
    idx.ship2 = (
      await accepted(f.post(processor, 'lot.ship', { shipment: 'SH-FIL-01', code: FILLET, amount: 80, to: market.id, carrier: carrier.id }))
    ).index;
    f.clock.advance(3 * HOUR);
    const start = f.clock.ms - 3 * HOUR;
    idx.temp2 = (
      await accepted(f.post(carrier, 'lot.temperature', { shipment: 'SH-FIL-01', readings: readings(start, 5 * MIN, Array(18).fill(2.2)) }))
    ).index;
    idx.temp3 = (
      await accepted(
        f.post(carrier, 'lot.temperature', { shipment: 'SH-FIL-01', readings: readings(start + 90 * MIN, 5 * MIN, Array(18).fill(3.1)) }),
      )
    ).index;
    idx.receive2 = (await accepted(f.post(market, 'lot.receive', { shipment: 'SH-FIL-01', amount: 79.5 }))).index;
    idx.sell1 = (await accepted(f.post(market, 'lot.sell', { code: FILLET, amount: 1.2 }))).index;
    idx.sell2 = (await accepted(f.post(market, 'lot.sell', { code: FILLET, amount: 0.8 }))).index;
    expect(lotState(f, FILLET)).toMatchObject({ holdings: { [market.id]: 77.5 }, sold: 2, lost: 0.5 });
  });

  test('when a consumer scans the fillet box, then the trace view shows the whole chain back to the farm', async () => {
    const res = await request(c.f.app).get(`/v1/trace/${FILLET}`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    const v = res.body;
    expect(Object.keys(v)).toEqual([
      'code',
      'product',
      'storage',
      'status',
      'quantity',
      'origins',
      'lineage',
      'timeline',
      'inspections',
      'temperature',
      'checkpoint',
      'proofs',
      'completeness',
    ]);
    expect(v).toMatchObject({
      code: FILLET,
      product: { name: '大黄鱼鱼片' },
      storage: 'chilled',
      status: 'active',
      quantity: { amount: 80, unit: 'kg' },
    });
    expect(v.origins).toEqual([{ lot: FARM, ...DACHEN }]);
    expect(v.lineage).toEqual({ inputs: [{ code: FARM, inputs: [] }], outputs: [] });
    const order = ['create', 'inspect', 'ship1', 'temp1', 'receive1', 'transform', 'ship2', 'temp2', 'temp3', 'receive2', 'sell1', 'sell2'];
    expect(v.timeline.map((t: { index: number }) => t.index)).toEqual(order.map((k) => idx[k]));
    const lots = Object.fromEntries(v.timeline.map((t: { index: number; lot: string }) => [t.index, t.lot]));
    expect([lots[idx.create], lots[idx.receive1], lots[idx.transform], lots[idx.sell2]]).toEqual([FARM, FARM, FILLET, FILLET]);
    expect(v.timeline[0].actor).toEqual({ id: c.farm.id, name: '台州大陈岛养殖有限公司', role: 'producer' });
    expect(v.timeline[0].event.type).toBe('lot.create');
    expect(v.inspections).toEqual([{ lot: FARM, index: idx.inspect, result: 'pass', tests: passBody(FARM).tests }]);
    expect(v.temperature.readings).toHaveLength(54);
    expect(v.temperature.readings[0]).toEqual({ lot: FARM, shipment: 'SH-DC-01', t: expect.any(String), c: 1.8 });
    expect(v.temperature).toMatchObject({ min: 1.8, max: 3.1, excursions: [] });
    expect(
      Object.keys(v.proofs)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(order.map((k) => idx[k]));
    expect(v.checkpoint.size).toBeGreaterThan(idx.sell2);
  });

  test('when the consumer checks every line with @noble against the pinned operator key, then every proof and signature verifies', async () => {
    const { f } = c;
    const anchor = (await request(f.app).get('/v1/ledger')).body;
    expect(anchor).toMatchObject({ origin: ORIGIN, operatorKey: f.operator.publicKey });
    const view = (await request(f.app).get(`/v1/trace/${FILLET}`)).body as TraceView;
    const keys = new Map<string, string>();
    for (const id of new Set(view.timeline.map((t) => t.event.actor)))
      keys.set(id, (await request(f.app).get(`/v1/actors/${id}`)).body.publicKey);
    expect(verifyIndependently(view, anchor.operatorKey, keys)).toEqual([]);
  });

  test('when a served entry or proof is altered, then the same independent check names it', async () => {
    const { f } = c;
    const view = (await request(f.app).get(`/v1/trace/${FILLET}`)).body as TraceView;
    const keys = new Map(view.timeline.map((t) => [t.event.actor, '']));
    for (const id of keys.keys()) keys.set(id, (await request(f.app).get(`/v1/actors/${id}`)).body.publicKey);
    const forged = structuredClone(view);
    (forged.timeline[10].event.body as { amount: number }).amount = 0.1;
    forged.proofs[idx.create][0] = '00'.repeat(32);
    expect(verifyIndependently(forged, f.operator.publicKey, keys)).toEqual([
      `${idx.create}: inclusion`,
      `${idx.sell1}: leaf`,
      `${idx.sell1}: inclusion`,
      `${idx.sell1}: signature`,
    ]);
    const otherKey = c.farm.publicKey;
    expect(verifyIndependently(view, otherKey, keys)[0]).toMatch(/^checkpoint: /);
  });

  test('when the farm lot itself is scanned, then its lineage lists both fillet lots and its transform entry is about the farm lot', async () => {
    const v = (await request(c.f.app).get(`/v1/trace/${FARM}`)).body;
    expect(v.lineage).toEqual({ inputs: [], outputs: [FILLET, FILLET_2] });
    expect(v.timeline.find((t: { index: number }) => t.index === idx.transform).lot).toBe(FARM);
    expect(v.timeline.map((t: { index: number }) => t.index)).not.toContain(idx.ship2);
    expect(v.origins).toEqual([{ lot: FARM, ...DACHEN }]);
  });

  test('when the other fillet lot warms above 4 °C for 45 minutes on the road, then its trace view shows a yellow excursion', async () => {
    const { f, processor, carrier, market } = c;
    await accepted(
      f.post(processor, 'lot.ship', { shipment: 'SH-FIL-02', code: FILLET_2, amount: 60, to: market.id, carrier: carrier.id }),
    );
    f.clock.advance(2 * HOUR);
    const temps = [...Array(8).fill(3), 5, 5.5, 6, 6, 5.8, 5.2, 5, 5.1, 4.5, 3.5, 3, 3, 3, 3, 3, 3];
    const { index } = await accepted(
      f.post(carrier, 'lot.temperature', { shipment: 'SH-FIL-02', readings: readings(f.clock.ms - 2 * HOUR, 5 * MIN, temps) }),
    );
    const v = (await request(f.app).get(`/v1/trace/${FILLET_2}`)).body;
    expect(v.temperature.excursions).toEqual([
      {
        id: 'temp-excursion:SH-FIL-02',
        rule: 'temp-excursion',
        severity: 'yellow',
        subject: 'SH-FIL-02',
        since: new Date(f.clock.ms - 2 * HOUR + 8 * 5 * MIN + 30 * MIN).toISOString(),
        detail: { storage: 'chilled', limitC: 4, redLimitC: 8, minutesAbove: 45, maxC: 6, readings: 24 },
        entries: [index],
      },
    ]);
    expect(v.temperature.max).toBe(6);
  });
});
