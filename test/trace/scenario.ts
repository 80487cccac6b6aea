/**
 * A realistic 大陈黄鱼 supply chain that produces one lot with a rich trace view,
 * for the trace-view tests: two 大陈岛 farm lots of large yellow croaker →
 * a gutted-fish lot → a fillet lot → a lot of retail boxes, shipped in a cold
 * chain with readings every 5 minutes and sold by a supermarket. The box lot has
 * a 3-level ancestry and a timeline of about 50 entries (19 + temperature
 * events + sales).
 *
 * Events are signed with the sink's clock at the moment they are posted (so a
 * real server's skew check accepts them); reading times lie in the past.
 */
import { generateKey, nodeSuite, parseKeyFile, signEnvelope, type Envelope, type SigningKey } from '../../ledger/index.js';

export interface ScenarioSink {
  /** The server's clock (ms). */
  now(): number;
  /** Appends one signed event; must throw when it is not accepted. */
  post(event: Envelope): Promise<unknown>;
}

export interface ScenarioOptions {
  /** Prefix of actor ids, trace codes, shipment ids and event ids ([A-Za-z0-9_-], ≤ 20 chars); distinct per seeded lot. */
  prefix?: string;
  /** lot.temperature events on the box shipment, 12 readings (1 h) each. Default 15. */
  temperatureEvents?: number;
  /** lot.sell events of one box each. Default 15. */
  sales?: number;
}

export interface SeededLot {
  /** The trace code to GET: the retail box lot. */
  code: string;
  /** Every lot, roots first. */
  lots: { farmA: string; farmB: string; gutted: string; fillet: string; boxes: string };
  keys: Record<'farmA' | 'farmB' | 'inspector' | 'processor' | 'carrier' | 'retailer', SigningKey>;
  /** Events posted, registrations included. */
  events: number;
  /** Entries expected in the box lot's timeline. */
  timeline: number;
}

const HOUR = 3_600_000;
const FIVE_MIN = 300_000;

/** Seeds the chain through `sink`, signing registrations with `regulator`. Sequential: each event depends on the previous ones. */
export const seedTraceLot = async (sink: ScenarioSink, regulator: SigningKey, options: ScenarioOptions = {}): Promise<SeededLot> => {
  const p = options.prefix ?? 'bench';
  const temps = options.temperatureEvents ?? 15;
  const sales = options.sales ?? 15;
  let n = 0;
  const post = (key: SigningKey, type: string, body: unknown) =>
    sink.post(
      signEnvelope(nodeSuite, key.seed, {
        v: 1,
        id: `${p}-${String(n++).padStart(6, '0')}`,
        type,
        actor: key.id,
        at: new Date(sink.now()).toISOString(),
        body,
      }),
    );
  const actor = async (name: string, role: string, displayName: string) => {
    const key = parseKeyFile(nodeSuite, JSON.stringify(generateKey(`${p}-${name}`)));
    await post(regulator, 'actor.register', { id: key.id, role, name: displayName, publicKey: key.publicKey, region: '浙江省台州市' });
    return key;
  };
  const keys = {
    farmA: await actor('farm-a', 'producer', '大陈岛黄鱼养殖场A'),
    farmB: await actor('farm-b', 'producer', '大陈岛黄鱼养殖场B'),
    inspector: await actor('inspector', 'inspector', '台州市食品检验所'),
    processor: await actor('processor', 'processor', '椒江水产加工厂'),
    carrier: await actor('carrier', 'carrier', '浙冷链物流'),
    retailer: await actor('retailer', 'retailer', '杭州某超市'),
  };
  const lots = { farmA: `${p}-DC-A`, farmB: `${p}-DC-B`, gutted: `${p}-GUT`, fillet: `${p}-FIL`, boxes: `${p}-BOX` };
  const expiresAt = new Date(sink.now() + 10 * 24 * HOUR).toISOString();
  const fish = { name: '大黄鱼', category: 'aquatic' };
  const readings = (fromMs: number, count: number, base: number) =>
    Array.from({ length: count }, (_, i) => ({ t: new Date(fromMs + i * FIVE_MIN).toISOString(), c: base + ((i * 7) % 10) / 10 }));
  const pass = (name: string) => ({ result: 'pass', tests: [{ name, value: 0, unit: 'μg/kg', limit: 1, pass: true }] });

  const farm = async (key: SigningKey, code: string, kg: number, lat: number, lon: number) => {
    await post(key, 'lot.create', {
      code,
      product: fish,
      quantity: { amount: kg, unit: 'kg' },
      storage: 'chilled',
      origin: { place: '台州市椒江区大陈岛', lat, lon, zone: 'east-china-sea', method: 'farmed' },
      harvestedAt: new Date(sink.now() - 2 * HOUR).toISOString(),
      expiresAt,
    });
    await post(keys.inspector, 'lot.inspect', { code, ...pass('孔雀石绿') });
    await post(key, 'lot.ship', { shipment: `${code}-S1`, code, amount: kg, to: keys.processor.id, carrier: keys.carrier.id });
    await post(keys.carrier, 'lot.temperature', { shipment: `${code}-S1`, readings: readings(sink.now() - 2 * HOUR, 12, 1.5) });
    await post(keys.carrier, 'lot.temperature', { shipment: `${code}-S1`, readings: readings(sink.now() - HOUR, 12, 1.8) });
    await post(keys.processor, 'lot.receive', { shipment: `${code}-S1`, amount: kg });
  };
  await farm(keys.farmA, lots.farmA, 500, 28.45, 121.89);
  await farm(keys.farmB, lots.farmB, 300, 28.47, 121.91);

  const output = (code: string, name: string, amount: number, unit: string) => ({
    code,
    product: { name, category: 'aquatic' },
    quantity: { amount, unit },
    storage: 'chilled',
  });
  await post(keys.processor, 'lot.transform', {
    inputs: [
      { code: lots.farmA, amount: 400 },
      { code: lots.farmB, amount: 250 },
    ],
    outputs: [output(lots.gutted, '大黄鱼(去脏)', 600, 'kg')],
  });
  await post(keys.inspector, 'lot.inspect', { code: lots.gutted, ...pass('组胺') });
  await post(keys.processor, 'lot.transform', {
    inputs: [{ code: lots.gutted, amount: 500 }],
    outputs: [output(lots.fillet, '大黄鱼鱼片', 300, 'kg')],
  });
  await post(keys.processor, 'lot.transform', {
    inputs: [{ code: lots.fillet, amount: 200 }],
    outputs: [output(lots.boxes, '大黄鱼鱼片礼盒 500g', 400, 'box')],
  });
  await post(keys.inspector, 'lot.inspect', { code: lots.boxes, ...pass('菌落总数') });

  const shipment = `${lots.boxes}-S1`;
  await post(keys.processor, 'lot.ship', { shipment, code: lots.boxes, amount: 400, to: keys.retailer.id, carrier: keys.carrier.id });
  const start = sink.now() - temps * HOUR;
  for (let i = 0; i < temps; i++) await post(keys.carrier, 'lot.temperature', { shipment, readings: readings(start + i * HOUR, 12, 2) });
  await post(keys.retailer, 'lot.receive', { shipment, amount: 400 });
  for (let i = 0; i < sales; i++) await post(keys.retailer, 'lot.sell', { code: lots.boxes, amount: 1 });

  return { code: lots.boxes, lots, keys, events: n, timeline: 19 + temps + sales };
};
