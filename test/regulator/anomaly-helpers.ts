/**
 * Anomaly tests on the real app and LevelDB: a world with a custodian bank, an
 * insurer and a food chain, helpers to post many events at once, read the
 * regulators' anomaly listing and find one anomaly in it.
 */
import request from 'supertest';
import type { SigningKey } from '../../ledger/index.js';
import type { Anomaly } from '../../src/regulator/anomalies/index.js';
import type { Tier } from '../../schemas/cards.js';
import { signEvent, startFixture, type Fixture } from '../helpers/fixture.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export interface RegWorld {
  f: Fixture;
  bank: SigningKey;
  insurer: SigningKey;
  farm: SigningKey;
  inspector: SigningKey;
  processor: SigningKey;
  carrier: SigningKey;
  market: SigningKey;
  addMerchant(id: string, tier: Tier): Promise<SigningKey>;
}

export const startRegWorld = async (): Promise<RegWorld> => {
  const f = await startFixture();
  const bank = await f.register('bank-hz-01', 'custodian');
  const insurer = await f.register('insurer-pa-01', 'insurer');
  const farm = await f.register('dachen-farm-01', 'producer');
  const inspector = await f.register('tz-inspect-01', 'inspector');
  const processor = await f.register('jj-process-01', 'processor');
  const carrier = await f.register('zjl-cold-01', 'carrier');
  const market = await f.register('hz-market-01', 'retailer');
  const addMerchant = (id: string, tier: Tier) =>
    f.register(id, 'merchant', { merchant: { tier, custodian: bank.id, insurer: insurer.id } });
  return { f, bank, insurer, farm, inspector, processor, carrier, market, addMerchant };
};

/** Posts events as one atomic batch (all at the clock's time); throws unless 201. */
export const postAll = async (
  f: Fixture,
  events: Array<{ key: SigningKey; type: string; body: unknown; actor?: string; holder?: SigningKey }>,
): Promise<number[]> => {
  const res = await request(f.app)
    .post('/v1/events/batch')
    .send({ events: events.map((e) => signEvent(e.key, e.type, e.body, f.clock, { actor: e.actor, holder: e.holder })) });
  if (res.status !== 201) throw new Error(`batch: ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
  return res.body.receipts.map((r: { index: number }) => r.index);
};

/** GET /v1/regulator/anomalies with a query string, signed by the regulator; expects 200. */
export const listAnomalies = async (f: Fixture, query = ''): Promise<{ anomalies: Anomaly[]; next: string | null }> => {
  const res = await f.get(`/v1/regulator/anomalies${query}`, f.regulator);
  if (res.status !== 200) throw new Error(`anomalies: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

/** The open anomaly of (rule, subject) as the regulators' listing shows it now, if any. */
export const openAnomaly = async (f: Fixture, rule: string, subject: string): Promise<Anomaly | undefined> => {
  const { anomalies } = await listAnomalies(f, `?rule=${rule}&subject=${encodeURIComponent(subject)}`);
  expect(anomalies.length).toBeLessThanOrEqual(1);
  return anomalies[0];
};

export const iso = (ms: number) => new Date(ms).toISOString();

/** A lot.create body: chilled croaker of `amount` kg, farmed in the East China Sea unless `o` says otherwise. */
export const lotBody = (code: string, amount: number, o: Record<string, unknown> = {}) => ({
  code,
  product: { name: '大黄鱼', gtin: '06901234567892', category: 'aquatic' },
  quantity: { amount, unit: 'kg' },
  storage: 'chilled',
  origin: { place: '台州市椒江区大陈岛', zone: 'east-china-sea', method: 'farmed' },
  ...o,
});

export const inspectBody = (code: string, result: 'pass' | 'fail') => ({
  code,
  result,
  tests: [{ name: '恩诺沙星', value: result === 'pass' ? 10 : 180, unit: 'μg/kg', limit: 100, pass: result === 'pass' }],
});

/** Readings at the given minutes after `fromMs`, at temperatures `cs`. */
export const readingsAt = (fromMs: number, points: Array<[number, number]>) => points.map(([m, c]) => ({ t: iso(fromMs + m * MIN), c }));
