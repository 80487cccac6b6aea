/**
 * A food chain on top of the shared fixture: a 大陈岛 farm, an inspector, a
 * processor, a cold-chain carrier and a supermarket, with body builders for
 * lot events (acceptance and rejection: test/helpers/outcomes.ts).
 */
import type { SigningKey } from '../../ledger/index.js';
import type { LotRecord, ShipmentRecord } from '../../src/trace/state.js';
import { startFixture, type Fixture, type FixtureOptions } from '../helpers/fixture.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export interface Chain {
  f: Fixture;
  farm: SigningKey;
  inspector: SigningKey;
  processor: SigningKey;
  carrier: SigningKey;
  market: SigningKey;
}

export const startChain = async (fixture: FixtureOptions = {}): Promise<Chain> => {
  const f = await startFixture(fixture);
  const farm = await f.register('dachen-farm-01', 'producer', { name: '台州大陈岛养殖有限公司', region: '浙江省台州市椒江区' });
  const inspector = await f.register('tz-inspect-01', 'inspector', { name: '台州市食品药品检验研究院' });
  const processor = await f.register('jj-process-01', 'processor', { name: '椒江海鲜加工厂' });
  const carrier = await f.register('zjl-cold-01', 'carrier', { name: '浙冷链冷链物流' });
  const market = await f.register('hz-market-01', 'retailer', { name: '杭州联华超市' });
  return { f, farm, inspector, processor, carrier, market };
};

export const CROAKER = { name: '大黄鱼', gtin: '06901234567892', category: 'aquatic' };
export const DACHEN = { place: '台州市椒江区大陈岛', lat: 28.4536, lon: 121.8894, zone: 'east-china-sea', method: 'farmed' as const };

export const createBody = (code: string, amount: number, o: Record<string, unknown> = {}) => ({
  code,
  product: CROAKER,
  quantity: { amount, unit: 'kg' },
  storage: 'chilled',
  origin: DACHEN,
  ...o,
});

export const passBody = (code: string) => ({
  code,
  result: 'pass',
  tests: [{ name: '孔雀石绿 (malachite green)', value: 0.1, unit: 'μg/kg', limit: 2, pass: true }],
});

export const failBody = (code: string) => ({
  code,
  result: 'fail',
  tests: [{ name: '恩诺沙星 (enrofloxacin)', value: 180, unit: 'μg/kg', limit: 100, pass: false }],
  report: 'drug residue above the limit',
});

export const output = (code: string, amount: number, o: Record<string, unknown> = {}) => ({
  code,
  product: { name: '大黄鱼鱼片', category: 'aquatic' },
  quantity: { amount, unit: 'kg' },
  storage: 'chilled',
  ...o,
});

/** Readings every `everyMs` from `fromMs`, at temperatures `cs`. */
export const readings = (fromMs: number, everyMs: number, cs: number[]) =>
  cs.map((c, i) => ({ t: new Date(fromMs + i * everyMs).toISOString(), c }));

export const lotState = (f: Fixture, code: string) => f.ledger.get<LotRecord>(`lot/${code}`)!;
export const shipmentState = (f: Fixture, id: string) => f.ledger.get<ShipmentRecord>(`shipment/${id}`)!;

/** held + in transit + sold + disposed + transformed away + lost, per SPEC §7. */
export const accountedFor = (lot: LotRecord): number =>
  Object.values(lot.holdings).reduce((a, b) => a + b, 0) +
  Object.values(lot.inTransit).reduce((a, b) => a + b, 0) +
  lot.sold +
  lot.disposed +
  lot.transformedOut +
  lot.lost;
