/**
 * FSMA 204 on request (SPEC §15): GET /v1/regulator/export/fsma?product=&from=&to=
 * answers every critical tracking event of every lot of a product in a time
 * range — by GTIN or by name — sorted by event time, each row naming its
 * ledger entry; ?code= keeps answering one lot's lineage.
 */
import type { SigningKey } from '../../ledger/index.js';
import { accepted } from '../helpers/outcomes.js';
import { CROAKER, createBody, DAY, MIN, output, startChain, type Chain } from '../trace/helpers.js';
import { parseCsv } from './csv.js';

let c: Chain;
let auditor: SigningKey;
let t0: number;

const at = (ms: number) => new Date(ms).toISOString();
const FILLET = { name: '大黄鱼鱼片', gtin: '06901234567908', category: 'aquatic' };

beforeAll(async () => {
  c = await startChain();
  const { f, farm, processor, carrier, market } = c;
  auditor = await f.register('audit-01', 'auditor');
  t0 = f.clock.ms;
  // Day 0: lot A of the croaker, shipped to the processor.
  await accepted(f.post(farm, 'lot.create', createBody('A-1', 100)));
  await accepted(f.post(farm, 'lot.ship', { shipment: 'S-A', code: 'A-1', amount: 100, to: processor.id, carrier: carrier.id }));
  f.clock.advance(DAY);
  // Day 1: received and made into fillets (another product); lot B of the croaker.
  await accepted(f.post(processor, 'lot.receive', { shipment: 'S-A', amount: 100 }));
  await accepted(
    f.post(processor, 'lot.transform', { inputs: [{ code: 'A-1', amount: 60 }], outputs: [output('F-1', 40, { product: FILLET })] }),
  );
  await accepted(f.post(farm, 'lot.create', createBody('B-1', 50)));
  f.clock.advance(DAY);
  // Day 2: lot C, another product entirely (no GTIN), and fillets shipped.
  await accepted(f.post(farm, 'lot.create', createBody('C-1', 30, { product: { name: '带鱼', category: 'aquatic' } })));
  await accepted(f.post(processor, 'lot.ship', { shipment: 'S-F', code: 'F-1', amount: 40, to: market.id }));
  f.clock.advance(DAY);
  // Day 3: lot B shipped, signed with a time 5 minutes earlier than the entry (an actor's own clock).
  await accepted(
    f.post(farm, 'lot.ship', { shipment: 'S-B', code: 'B-1', amount: 50, to: processor.id }, { at: at(f.clock.ms - 5 * MIN) }),
  );
});
afterAll(() => c.f.close());

const fsma = (query: string, key: SigningKey = c.f.regulator) => c.f.get(`/v1/regulator/export/fsma?${query}`, key);
const rows = async (query: string, key?: SigningKey) => {
  const res = await fsma(query, key);
  expect({ status: res.status, type: res.type }).toEqual({ status: 200, type: 'text/csv' });
  const [header, ...records] = parseCsv(res.text);
  return records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
};

describe('GET /v1/regulator/export/fsma?product=', () => {
  test('when asked by GTIN, then every CTE of every lot of that product, sorted by event time, each naming its entry', async () => {
    const got = await rows(`product=${CROAKER.gtin}`);
    expect(got.map((r) => [r.cte, r.traceability_lot_code, r.quantity])).toEqual([
      ['harvesting', 'A-1', '100'],
      ['shipping', 'A-1', '100'],
      ['receiving', 'A-1', '100'],
      ['transformation', 'A-1', '60'],
      ['harvesting', 'B-1', '50'],
      ['shipping', 'B-1', '50'],
    ]);
    const times = got.map((r) => Date.parse(r.event_time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const r of got) {
      const entry = c.f.ledger.entry(Number(r.ledger_index))!;
      expect({ leaf: r.leaf_hash, at: r.event_time === entry.event.at || r.cte === 'harvesting' }).toEqual({ leaf: entry.leaf, at: true });
    }
  });

  test('when the GTIN is written with 13 digits, or the product by its name, then the same lots', async () => {
    const byGtin = await rows(`product=${CROAKER.gtin}`);
    expect(await rows(`product=${CROAKER.gtin.slice(1)}`)).toEqual(byGtin);
    expect(await rows(`product=${encodeURIComponent(CROAKER.name)}`)).toEqual(byGtin);
  });

  test('when a range is given, then only events with from ≤ event time < to, by the signed time of the event', async () => {
    const got = await rows(`product=${CROAKER.gtin}&from=${at(t0 + DAY)}&to=${at(t0 + 3 * DAY)}`);
    expect(got.map((r) => [r.cte, r.traceability_lot_code])).toEqual([
      ['receiving', 'A-1'],
      ['transformation', 'A-1'],
      ['harvesting', 'B-1'],
      ['shipping', 'B-1'],
    ]);
    // The B-1 shipment was entered on day 3 but signed 5 minutes before: it falls in [day 2, day 3).
    const late = await rows(`product=${CROAKER.gtin}&from=${at(t0 + 2 * DAY)}&to=${at(t0 + 3 * DAY)}`);
    expect(late.map((r) => [r.cte, r.traceability_lot_code])).toEqual([['shipping', 'B-1']]);
  });

  test('when the product is the transform output, then its own lots only: the fillet rows, not the croaker input', async () => {
    const got = await rows(`product=${FILLET.gtin}`, auditor);
    expect(got.map((r) => [r.cte, r.traceability_lot_code, r.product])).toEqual([
      ['transformation', 'F-1', FILLET.name],
      ['shipping', 'F-1', FILLET.name],
    ]);
  });

  test('when the range holds none of its events, then the header alone', async () => {
    const res = await fsma(`product=${CROAKER.gtin}&from=${at(t0 + 10 * DAY)}`);
    expect({ status: res.status, records: parseCsv(res.text).length }).toEqual({ status: 200, records: 1 });
  });

  test('when no lot is of that product, then 404 not_found', async () => {
    for (const q of ['product=06901234567892'.replace('892', '885'), 'product=%E9%B2%A8%E9%B1%BC']) {
      const res = await fsma(q);
      expect({ q, status: res.status, code: res.body.code }).toEqual({ q, status: 404, code: 'not_found' });
    }
  });

  test('when from or to is not an RFC 3339 instant, from ≥ to, or code and product are both given, then 400 invalid_request', async () => {
    for (const q of [
      `product=${CROAKER.gtin}&from=yesterday`,
      `product=${CROAKER.gtin}&from=${at(t0 + DAY)}&to=${at(t0)}`,
      `product=${CROAKER.gtin}&code=A-1`,
      'product=',
    ]) {
      const res = await fsma(q);
      expect({ q, status: res.status, code: res.body.code }).toEqual({ q, status: 400, code: 'invalid_request' });
    }
  });

  test('when unsigned or signed by a producer, then 401 unauthenticated / 403 forbidden', async () => {
    const anon = await c.f.get(`/v1/regulator/export/fsma?product=${CROAKER.gtin}`);
    const farm = await fsma(`product=${CROAKER.gtin}`, c.farm);
    expect([anon.status, anon.body.code, farm.status, farm.body.code]).toEqual([401, 'unauthenticated', 403, 'forbidden']);
  });

  test('when ?code= is given, then it still answers that lot’s lineage', async () => {
    const got = await rows('code=F-1');
    expect(got.map((r) => r.traceability_lot_code)).toContain('A-1');
  });
});
