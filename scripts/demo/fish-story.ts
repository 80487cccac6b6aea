/**
 * 大陈黄鱼 from the sea to the shelf (days 36–39 of the story):
 *
 *   DC-…-A  600 kg from 台州大陈岛养殖有限公司 → 椒江海鲜加工厂 → fillets FIL-…-A (220 kg)
 *           → 150 kg to 杭州联华超市; on that trip the reefer door stays open at a
 *           transfer and the fish sits above 4 °C for about 45 minutes (a yellow
 *           temp-excursion), then it is received and sold
 *   DC-…-B  400 kg from 大陈岛海上牧场合作社 → fillets FIL-…-B (130 kg) → 80 kg to
 *           宁波三江超市 (received, partly sold), 40 kg to 杭州联华超市 (still on the road);
 *           a retained sample of DC-…-B then fails (enrofloxacin 186 μg/kg, limit 100),
 *           the regulator recalls DC-…-B and so every fillet made from it, and the
 *           Ningbo shop destroys what it has left; that level 2 recall is due within
 *           48 hours, so its deadline is still ahead when the story ends
 *   DC-…-C  120 kg from 大陈岛海上牧场合作社, kept at the farm: vibrio above the limit,
 *           a level 1 recall (24 hours) on day 38, and only 50 kg destroyed in time —
 *           an overdue recall, red on the dashboard (recall-overdue)
 */
import type { SigningKey } from '../../ledger/index.js';
import { HOUR, MIN, type Poster } from './poster.js';

export interface FishStory {
  /** The fillet lot a consumer scans: active, verified, with the excursion. */
  fillet: string;
  /** The recalled fillet lot (its source lot was recalled). */
  recalledFillet: string;
  /** The recalled source lot. */
  recalledSource: string;
  /** A lot whose level 1 recall was not carried out in time (recall-overdue, red). */
  overdueRecall: string;
  source: string;
}

const ymd = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 10).replace(/-/g, '');

/** Readings every 5 minutes from `fromMs`, one per temperature in `cs`. */
const readings = (fromMs: number, cs: number[]) => cs.map((c, i) => ({ t: new Date(fromMs + i * 5 * MIN).toISOString(), c }));

/** A deterministic stand-in for sensor noise in [0, 1). */
const noise = (i: number) => {
  const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  return x - Math.floor(x);
};

/** `n` readings of a steady cold chain around `base` °C: a slow drift plus sensor jitter. */
const steady = (n: number, base: number) =>
  Array.from({ length: n }, (_, i) => Math.round((base + 0.3 * Math.sin(i / 10 + base) + (noise(i + base * 100) - 0.5) * 0.3) * 10) / 10);

const pass = (name: string, value: number, unit: string, limit: number) => ({ name, value, unit, limit, pass: true });

export const fishStory = async (p: Poster): Promise<FishStory> => {
  await p.at(36, 2);
  const region = '浙江省台州市椒江区';
  const farmA = p.register('dachen-farm-01', 'producer', '台州大陈岛养殖有限公司', { region, creditCode: '91331002MA2DC0FA01' });
  const farmB = p.register('dachen-farm-02', 'producer', '大陈岛海上牧场合作社', { region, creditCode: '93331002MA2DC0FB02' });
  const inspector = p.register('tz-inspect-01', 'inspector', '台州市食品药品检验研究院', { region: '浙江省台州市' });
  const processor = p.register('jj-process-01', 'processor', '椒江海鲜加工厂', { region });
  const carrier = p.register('zjl-cold-01', 'carrier', '浙冷链物流', { region: '浙江省杭州市' });
  const hz = p.register('hz-market-01', 'retailer', '杭州联华超市（庆春店）', { region: '浙江省杭州市上城区' });
  const nb = p.register('nb-market-02', 'retailer', '宁波三江超市（中山店）', { region: '浙江省宁波市海曙区' });

  const day = ymd(p.sink.now() + 2 * HOUR);
  const lots = { a: `DC-${day}-A`, b: `DC-${day}-B`, c: `DC-${day}-C`, filA: `FIL-${day}-A`, filB: `FIL-${day}-B` };
  const croaker = { name: '大陈岛大黄鱼（冰鲜）', gtin: '06971234560018', category: 'aquatic' };
  const fillet = { name: '大黄鱼鱼片（冰鲜）', gtin: '06971234560025', category: 'aquatic' };
  const origin = (lat: number, lon: number) => ({
    place: '浙江省台州市椒江区大陈岛海域',
    lat,
    lon,
    zone: 'east-china-sea',
    method: 'farmed',
  });

  // The harvest, its inspection, and the trip to the processor.
  await p.at(36, 5);
  const harvest = (farm: SigningKey, code: string, kg: number, lat: number, lon: number) =>
    p.post(farm, 'lot.create', {
      code,
      product: croaker,
      quantity: { amount: kg, unit: 'kg' },
      storage: 'chilled',
      origin: origin(lat, lon),
      harvestedAt: p.iso(-HOUR),
      expiresAt: p.iso(8 * 24 * HOUR),
    });
  harvest(farmA, lots.a, 600, 28.4536, 121.8894);
  harvest(farmB, lots.b, 400, 28.4702, 121.9128);
  harvest(farmB, lots.c, 120, 28.4702, 121.9128);
  await p.at(36, 6);
  const drugTests = (enro: number) => [
    pass('孔雀石绿', 0, 'μg/kg', 2),
    pass('恩诺沙星', enro, 'μg/kg', 100),
    pass('镉', 0.02, 'mg/kg', 0.1),
  ];
  p.post(inspector, 'lot.inspect', { code: lots.a, result: 'pass', tests: drugTests(12), report: '台检食〔出厂〕A-0601' });
  p.post(inspector, 'lot.inspect', { code: lots.b, result: 'pass', tests: drugTests(38), report: '台检食〔出厂〕B-0602' });
  await p.at(36, 7);
  const leave = p.sink.now();
  p.post(farmA, 'lot.ship', { shipment: `${lots.a}-S1`, code: lots.a, amount: 600, to: processor.id, carrier: carrier.id });
  p.post(farmB, 'lot.ship', { shipment: `${lots.b}-S1`, code: lots.b, amount: 400, to: processor.id, carrier: carrier.id });
  await p.at(36, 11);
  p.post(carrier, 'lot.temperature', { shipment: `${lots.a}-S1`, readings: readings(leave, steady(48, 2.2)) });
  p.post(carrier, 'lot.temperature', { shipment: `${lots.b}-S1`, readings: readings(leave, steady(48, 2.5)) });
  p.post(processor, 'lot.receive', { shipment: `${lots.a}-S1`, amount: 598 });
  p.post(processor, 'lot.receive', { shipment: `${lots.b}-S1`, amount: 400 });

  // Processing into fillets, and their inspection.
  await p.at(37, 1);
  const fil = (code: string, kg: number) => ({
    code,
    product: fillet,
    quantity: { amount: kg, unit: 'kg' },
    storage: 'chilled',
    expiresAt: p.iso(5 * 24 * HOUR),
  });
  p.post(processor, 'lot.transform', { inputs: [{ code: lots.a, amount: 500 }], outputs: [fil(lots.filA, 220)] });
  p.post(processor, 'lot.transform', { inputs: [{ code: lots.b, amount: 300 }], outputs: [fil(lots.filB, 130)] });
  await p.at(37, 3);
  const micro = [pass('菌落总数', 21000, 'CFU/g', 100000), pass('组胺', 8, 'mg/kg', 400)];
  p.post(inspector, 'lot.inspect', { code: lots.filA, result: 'pass', tests: micro, report: '台检食〔加工〕FA-0611' });
  p.post(inspector, 'lot.inspect', { code: lots.filB, result: 'pass', tests: micro, report: '台检食〔加工〕FB-0612' });

  // To the shops. On the Hangzhou run the fish sits above 4 °C for ~45 minutes at a transfer.
  await p.at(37, 4);
  const out = p.sink.now();
  p.post(processor, 'lot.ship', { shipment: `${lots.filA}-S1`, code: lots.filA, amount: 150, to: hz.id, carrier: carrier.id });
  p.post(processor, 'lot.ship', { shipment: `${lots.filB}-S1`, code: lots.filB, amount: 80, to: nb.id, carrier: carrier.id });
  p.post(processor, 'lot.ship', { shipment: `${lots.filB}-S2`, code: lots.filB, amount: 40, to: hz.id, carrier: carrier.id });
  await p.at(37, 9);
  const hzRun = [...steady(24, 2.4), 4.6, 5.4, 6.2, 6.8, 6.5, 5.9, 5.1, 4.4, 3.6, ...steady(27, 2.6)];
  p.post(carrier, 'lot.temperature', { shipment: `${lots.filA}-S1`, readings: readings(out, hzRun) });
  p.post(carrier, 'lot.temperature', { shipment: `${lots.filB}-S1`, readings: readings(out, steady(48, 2.1)) });
  p.post(carrier, 'lot.temperature', { shipment: `${lots.filB}-S2`, readings: readings(out, steady(60, 2.3)) });
  p.post(hz, 'lot.receive', { shipment: `${lots.filA}-S1`, amount: 150 });
  p.post(nb, 'lot.receive', { shipment: `${lots.filB}-S1`, amount: 80 });

  // On the shelves.
  const sales: Array<[number, number, SigningKey, string, number]> = [
    [38, 10, hz, lots.filA, 12.5],
    [38, 12, nb, lots.filB, 5],
    [38, 17, hz, lots.filA, 8],
    [38, 18, nb, lots.filB, 3],
    [39, 11, hz, lots.filA, 15.2],
  ];
  for (const [d, h, shop, code, kg] of sales) {
    await p.at(d, h);
    p.post(shop, 'lot.sell', { code, amount: kg });
    if (d === 38 && h === 10) {
      // DC-…-C, still at the farm: vibrio above the limit, a level 1 recall, carried out only in part.
      p.post(inspector, 'lot.inspect', {
        code: lots.c,
        result: 'fail',
        tests: [{ name: '副溶血性弧菌', value: 1500, unit: 'MPN/g', limit: 100, pass: false }],
        report: '台检食〔监督抽检〕C-0707：副溶血性弧菌超标',
      });
      p.post(p.regulator, 'lot.recall', { code: lots.c, level: 1, reason: '监督抽检副溶血性弧菌超标，一级召回，24 小时内完成。' });
    }
    if (d === 38 && h === 17) p.post(farmB, 'lot.dispose', { code: lots.c, amount: 50, reason: '执行一级召回：部分无害化处理。' });
  }

  // The retained sample of DC-…-B fails; the regulator recalls it and everything made from it.
  await p.at(39, 14);
  p.post(inspector, 'lot.inspect', {
    code: lots.b,
    result: 'fail',
    tests: [pass('孔雀石绿', 0, 'μg/kg', 2), { name: '恩诺沙星', value: 186, unit: 'μg/kg', limit: 100, pass: false }],
    report: '台检食〔留样复检〕B-0619：恩诺沙星残留超标',
  });
  await p.at(39, 16);
  p.post(p.regulator, 'lot.recall', {
    code: lots.b,
    level: 2,
    reason: '留样复检恩诺沙星残留超标（186 μg/kg，限量 100 μg/kg），召回该批次及其全部制品。',
  });
  await p.at(39, 20);
  p.post(nb, 'lot.dispose', { code: lots.filB, amount: 72, reason: '执行二级召回：下架并无害化处理。' });
  p.post(processor, 'lot.dispose', { code: lots.b, amount: 100, reason: '执行二级召回：库存原料无害化处理。' });

  return { fillet: lots.filA, recalledFillet: lots.filB, recalledSource: lots.b, overdueRecall: lots.c, source: lots.a };
};
