/**
 * The regulators' exports of a lot (SPEC §8 "Exports", docs/EXPORTS.md) on the
 * 大陈岛 farm-to-shelf ledger of test/trace/journey.ts, carried on: the fillets
 * FIL-B fail a drug-residue test, the processor logs their temperature, the
 * regulator recalls the farm lot and the supermarket destroys 10 kg of FIL-A;
 * a wild catch with a hostile product name is landed too. The FSMA 204 CSV
 * parses as RFC 4180 with the documented header and the rows each CTE makes;
 * the EPCIS document passes a structural EPCIS 2.0 validator and maps each
 * event type as §8 says.
 */
import request from 'supertest';
import type { Entry, SigningKey } from '../../ledger/index.js';
import { ORIGIN } from '../helpers/fixture.js';
import { createBody, DAY, failBody, type Chain } from '../trace/helpers.js';
import { accepted } from '../helpers/outcomes.js';
import { FARM_LOT, FIL_A, FIL_B, farmToShelf } from '../trace/journey.js';
import { epcisProblems, EPCIS_CONTEXT } from './epcis-structure.js';
import { never, ok, pluginsWith, startChainWith } from './helpers.js';

const WILD = 'WILD-2026-11-01';
const HOSTILE_NAME = '=HYPERLINK("http://evil.example"),"野生"大黄鱼';
const HEADER = [
  'cte',
  'traceability_lot_code',
  'product',
  'quantity',
  'unit',
  'location',
  'event_time',
  'reference_document',
  'ledger_index',
  'leaf_hash',
];

let c: Chain;
let auditor: SigningKey;
let producer: SigningKey;
let harvestedAt: string;

beforeAll(async () => {
  c = await startChainWith(pluginsWith({ wait: never }));
  const { f, farm, inspector, processor, market } = c;
  auditor = await f.register('audit-01', 'auditor');
  producer = await f.register('other-farm', 'producer');
  await farmToShelf(c);
  await accepted(f.post(inspector, 'lot.inspect', failBody(FIL_B)));
  await accepted(f.post(processor, 'lot.temperature', { code: FIL_B, readings: [{ t: f.clock.iso(), c: 3.1 }] }));
  await accepted(f.post(f.regulator, 'lot.recall', { code: FARM_LOT, level: 1, reason: '孔雀石绿复检超标' }));
  await accepted(f.post(market, 'lot.dispose', { code: FIL_A, amount: 10, reason: '召回销毁' }));
  harvestedAt = new Date(f.clock.ms - 6 * 3_600_000).toISOString();
  const wild = { name: HOSTILE_NAME, category: 'aquatic' };
  await accepted(
    f.post(
      farm,
      'lot.create',
      createBody(WILD, 80, {
        product: wild,
        origin: { place: '东海渔场', zone: 'east-china-sea', method: 'wild' },
        harvestedAt,
        expiresAt: new Date(f.clock.ms + 5 * DAY).toISOString(),
      }),
    ),
  );
});
afterAll(() => c.f.close());

const entries = (): Entry[] => Array.from({ length: c.f.ledger.size }, (_, i) => c.f.ledger.entry(i)!);
const entryOf = (type: string, match: (body: any) => boolean = () => true): Entry =>
  entries().find((e) => e.event.type === type && match(e.event.body))!;

/** RFC 4180: CRLF-terminated records, fields optionally in double quotes with "" for a quote. Throws on anything else. */
const parseCsv = (text: string): string[][] => {
  const records: string[][] = [];
  let i = 0;
  while (i < text.length) {
    const record: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        for (i++; ; i++) {
          if (i >= text.length) throw new Error('unterminated quoted field');
          if (text[i] === '"' && text[i + 1] === '"') {
            field += '"';
            i++;
          } else if (text[i] === '"') break;
          else field += text[i];
        }
        i++;
      } else
        while (i < text.length && !',\r\n'.includes(text[i])) {
          if (text[i] === '"') throw new Error(`a quote inside an unquoted field at ${i}`);
          field += text[i++];
        }
      record.push(field);
      if (text[i] === ',') i++;
      else if (text.startsWith('\r\n', i)) {
        i += 2;
        break;
      } else throw new Error(`expected , or CRLF at ${i}`);
    }
    records.push(record);
  }
  return records;
};

const fsma = (code: string, key: SigningKey = c.f.regulator) => c.f.get(`/v1/regulator/export/fsma?code=${encodeURIComponent(code)}`, key);
const epcis = (code: string, key: SigningKey = c.f.regulator) =>
  c.f.get(`/v1/regulator/export/epcis?code=${encodeURIComponent(code)}`, key);

const FARM = '台州大陈岛养殖有限公司, 浙江省台州市椒江区 (dachen-farm-01)';
const PROCESSOR = '椒江海鲜加工厂 (jj-process-01)';
const MARKET = '杭州联华超市 (hz-market-01)';

describe('GET /v1/regulator/export/fsma', () => {
  let rows: Record<string, string>[];

  beforeAll(async () => {
    const res = await fsma(FARM_LOT);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    const [header, ...records] = parseCsv(res.text);
    expect(header).toEqual(HEADER);
    rows = records.map((r) => Object.fromEntries(HEADER.map((h, i) => [h, r[i]])));
  });

  test('of the farm lot, it has one row per CTE of the lot and its descendants, in ledger order, with their key data elements', () => {
    const create = entryOf('lot.create', (b) => b.code === FARM_LOT);
    const transform = entryOf('lot.transform');
    const ship = (s: string) => entryOf('lot.ship', (b) => b.shipment === s);
    const receive = (s: string) => entryOf('lot.receive', (b) => b.shipment === s);
    const at = (e: Entry) => ({ event_time: e.event.at, ledger_index: String(e.index), leaf_hash: e.leaf });
    const croaker = { product: '大黄鱼', unit: 'kg' };
    const fillet = { product: '大黄鱼鱼片', unit: 'kg' };
    expect(rows).toEqual([
      {
        cte: 'harvesting',
        traceability_lot_code: FARM_LOT,
        ...croaker,
        quantity: '500',
        location: '台州市椒江区大陈岛',
        reference_document: `lot.create ${create.event.id}`,
        ...at(create),
      },
      {
        cte: 'shipping',
        traceability_lot_code: FARM_LOT,
        ...croaker,
        quantity: '500',
        location: FARM,
        reference_document: 'shipment SH-1',
        ...at(ship('SH-1')),
      },
      {
        cte: 'receiving',
        traceability_lot_code: FARM_LOT,
        ...croaker,
        quantity: '500',
        location: PROCESSOR,
        reference_document: 'shipment SH-1',
        ...at(receive('SH-1')),
      },
      {
        cte: 'transformation',
        traceability_lot_code: FIL_A,
        ...fillet,
        quantity: '70',
        location: PROCESSOR,
        reference_document: `lot.transform ${transform.event.id}`,
        ...at(transform),
      },
      {
        cte: 'transformation',
        traceability_lot_code: FIL_B,
        ...fillet,
        quantity: '60',
        location: PROCESSOR,
        reference_document: `lot.transform ${transform.event.id}`,
        ...at(transform),
      },
      {
        cte: 'transformation',
        traceability_lot_code: FARM_LOT,
        ...croaker,
        quantity: '300',
        location: PROCESSOR,
        reference_document: `lot.transform ${transform.event.id}`,
        ...at(transform),
      },
      {
        cte: 'shipping',
        traceability_lot_code: FIL_A,
        ...fillet,
        quantity: '70',
        location: PROCESSOR,
        reference_document: 'shipment SH-2',
        ...at(ship('SH-2')),
      },
      {
        cte: 'shipping',
        traceability_lot_code: FIL_B,
        ...fillet,
        quantity: '25',
        location: PROCESSOR,
        reference_document: 'shipment SH-3',
        ...at(ship('SH-3')),
      },
      {
        cte: 'receiving',
        traceability_lot_code: FIL_A,
        ...fillet,
        quantity: '70',
        location: MARKET,
        reference_document: 'shipment SH-2',
        ...at(receive('SH-2')),
      },
    ]);
  });

  test('of a fillet lot, it covers its ancestors but not its sibling', async () => {
    const [, ...records] = parseCsv((await fsma(FIL_A, auditor)).text);
    expect(records.map((r) => r[1])).toEqual([FARM_LOT, FARM_LOT, FARM_LOT, FIL_A, FIL_B, FARM_LOT, FIL_A, FIL_A]);
    expect(records.map((r) => r[8])).toEqual([...records.map((r) => r[8])].sort((a, b) => Number(a) - Number(b)));
  });

  test('a wild catch is first land-based receiving at the landing actor, and a formula in its name is defused', async () => {
    const [, row] = parseCsv((await fsma(WILD)).text);
    const create = entryOf('lot.create', (b) => b.code === WILD);
    expect(row).toEqual([
      'first_land_based_receiving',
      WILD,
      `'${HOSTILE_NAME}`,
      '80',
      'kg',
      FARM,
      create.event.at,
      `lot.create ${create.event.id}`,
      String(create.index),
      create.leaf,
    ]);
  });

  test('every record ends in CRLF and the file in one', async () => {
    const text = (await fsma(FIL_A)).text;
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });
});

describe('GET /v1/regulator/export/epcis', () => {
  let doc: any;
  let events: any[];
  const byType = (type: string) => events.filter((e) => e['anxin:eventType'] === type);
  const farmUri = `https://id.gs1.org/01/06901234567892/10/${FARM_LOT}`;
  const urn = (kind: string, id: string) => `urn:anxin:epcis:${kind}:${encodeURIComponent(ORIGIN)}:${id}`;

  beforeAll(async () => {
    const res = await epcis(FARM_LOT);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
    doc = JSON.parse(res.text);
    events = doc.epcisBody.eventList;
  });

  test('it is a structurally valid EPCIS 2.0 JSON-LD EPCISDocument with the 2.0 context and anxin', () => {
    expect(epcisProblems(doc)).toEqual([]);
    expect(doc).toMatchObject({ '@context': EPCIS_CONTEXT, type: 'EPCISDocument', schemaVersion: '2.0', creationDate: c.f.clock.iso() });
  });

  test('its events are the lineage entries, each once, in index order, each with its ledger index and leaf', () => {
    const covered = new Set([FARM_LOT, FIL_A, FIL_B]);
    const about = (e: Entry) => {
      const b = e.event.body as any;
      const shipped = (s: Entry) => s.event.type === 'lot.ship' && (s.event.body as any).shipment === b.shipment;
      const lot = b.code ?? (b.shipment && (entries().find(shipped)?.event.body as any).code);
      return e.event.type === 'lot.transform' || covered.has(lot);
    };
    const expected = entries().filter((e) => e.event.type.startsWith('lot.') && about(e));
    expect(events.map((e) => e['anxin:ledgerIndex'])).toEqual(expected.map((e) => e.index));
    for (const e of events) expect(e['anxin:leaf']).toBe(c.f.ledger.entry(e['anxin:ledgerIndex'])!.leaf);
  });

  test.each([
    ['lot.create', 'ObjectEvent', 'ADD', 'commissioning', 'active'],
    ['lot.ship', 'ObjectEvent', 'OBSERVE', 'shipping', 'in_transit'],
    ['lot.receive', 'ObjectEvent', 'OBSERVE', 'receiving', 'in_progress'],
    ['lot.temperature', 'ObjectEvent', 'OBSERVE', 'sensor_reporting', undefined],
    ['lot.transform', 'TransformationEvent', undefined, 'commissioning', 'active'],
    ['lot.sell', 'ObjectEvent', 'OBSERVE', 'retail_selling', 'retail_sold'],
    ['lot.recall', 'ObjectEvent', 'OBSERVE', 'holding', 'recalled'],
    ['lot.dispose', 'ObjectEvent', 'DELETE', 'destroying', 'destroyed'],
  ])('%s maps to %s, action %s, bizStep %s, disposition %s', (type, eventType, action, bizStep, disposition) => {
    const mapped = byType(type);
    expect(mapped.length).toBeGreaterThan(0);
    for (const e of mapped)
      expect({ type: e.type, action: e.action, bizStep: e.bizStep, disposition: e.disposition }).toEqual({
        type: eventType,
        action,
        bizStep,
        disposition,
      });
  });

  test('an inspection pass is conformant and a fail non_conformant, with the test results', () => {
    expect(byType('lot.inspect').map((e) => [e.bizStep, e.disposition, e['anxin:result']])).toEqual([
      ['inspecting', 'conformant', 'pass'],
      ['inspecting', 'non_conformant', 'fail'],
    ]);
    expect(byType('lot.inspect')[1]['anxin:tests'][0]).toMatchObject({ 'anxin:name': failBody(FIL_B).tests[0].name, 'anxin:pass': false });
  });

  test('the farm lot is a GS1 Digital Link URI; fillets without a GTIN are anxin URNs; quantities carry Rec 20 units', () => {
    const [create] = byType('lot.create');
    expect(create.quantityList).toEqual([{ epcClass: farmUri, quantity: 500, uom: 'KGM' }]);
    expect(create.ilmd).toMatchObject({
      'cbvmda:lotNumber': FARM_LOT,
      'anxin:origin': { 'anxin:place': '台州市椒江区大陈岛', 'anxin:method': 'farmed' },
    });
    const [transform] = byType('lot.transform');
    expect(transform.inputQuantityList).toEqual([{ epcClass: farmUri, quantity: 300, uom: 'KGM' }]);
    expect(transform.outputQuantityList).toEqual([
      { epcClass: urn('lot', FIL_A), quantity: 70, uom: 'KGM' },
      { epcClass: urn('lot', FIL_B), quantity: 60, uom: 'KGM' },
    ]);
  });

  test("times: eventTime is the actor's signed time in China Standard Time's offset, recordTime the ledger's entry time", () => {
    for (const e of events) {
      const entry = c.f.ledger.entry(e['anxin:ledgerIndex'])!;
      expect({ eventTime: e.eventTime, recordTime: e.recordTime, offset: e.eventTimeZoneOffset }).toEqual({
        eventTime: entry.event.at,
        recordTime: entry.at,
        offset: '+08:00',
      });
    }
  });

  test('a shipment names its parties, location and business transaction; its receipt where it arrived', () => {
    const [ship] = byType('lot.ship');
    expect(ship).toMatchObject({
      readPoint: { id: urn('loc', c.farm.id) },
      bizTransactionList: [{ bizTransaction: urn('shipment', 'SH-1') }],
      sourceList: expect.arrayContaining([{ type: 'possessing_party', source: urn('party', c.farm.id) }]),
      destinationList: expect.arrayContaining([{ type: 'possessing_party', destination: urn('party', c.processor.id) }]),
      'anxin:carrier': urn('party', c.carrier.id),
    });
    expect(byType('lot.receive')[0]).toMatchObject({
      bizLocation: { id: urn('loc', c.processor.id) },
      quantityList: [{ epcClass: farmUri, quantity: 500 }],
    });
  });

  test('temperatures are a sensorElementList of Temperature reports in CEL, each with its time', () => {
    const [inTransit, atProcessor] = byType('lot.temperature');
    const posted = entryOf('lot.temperature').event.body as { readings: Array<{ t: string; c: number }> };
    expect(inTransit.sensorElementList).toEqual([
      { sensorReport: posted.readings.map((r) => ({ type: 'Temperature', value: r.c, uom: 'CEL', time: r.t })) },
    ]);
    expect(inTransit.quantityList).toEqual([{ epcClass: farmUri, quantity: 500, uom: 'KGM' }]);
    expect(atProcessor.quantityList[0].epcClass).toBe(urn('lot', FIL_B));
  });

  test('the recall holds the farm lot and every lot already made from it', () => {
    expect(byType('lot.recall')[0].quantityList.map((q: { epcClass: string }) => q.epcClass)).toEqual([
      farmUri,
      urn('lot', FIL_A),
      urn('lot', FIL_B),
    ]);
  });
});

describe('who may export, and bad requests', () => {
  test.each(['fsma', 'epcis'])('%s: unsigned is 401, a producer 403, an auditor 200', async (kind) => {
    const path = `/v1/regulator/export/${kind}?code=${FARM_LOT}`;
    const anon = await request(c.f.app).get(path);
    expect({ status: anon.status, code: anon.body.code }).toEqual({ status: 401, code: 'unauthenticated' });
    const other = await c.f.get(path, producer);
    expect({ status: other.status, code: other.body.code }).toEqual({ status: 403, code: 'forbidden' });
    expect((await c.f.get(path, auditor)).status).toBe(200);
  });

  test.each(['fsma', 'epcis'])('%s: without a code 400 invalid_request; an unknown or malformed code 404 lot_not_found', async (kind) => {
    const res = await c.f.get(`/v1/regulator/export/${kind}`, c.f.regulator);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'invalid_request' });
    for (const code of ['NO-SUCH-LOT', '../lot']) {
      const missing = await c.f.get(`/v1/regulator/export/${kind}?code=${encodeURIComponent(code)}`, c.f.regulator);
      expect({ code, status: missing.status, body: missing.body.code }).toEqual({ code, status: 404, body: 'lot_not_found' });
    }
  });
});

test('the exports answer from state: the ledger is unchanged by them', async () => {
  const before = c.f.state();
  await ok(epcis(FIL_A));
  expect((await fsma(FIL_A)).status).toBe(200);
  expect(c.f.state()).toEqual(before);
});
