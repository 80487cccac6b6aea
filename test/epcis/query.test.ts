/**
 * GET /epcis/events (SPEC §15): the EPCIS 2.0 REST query over the 大陈岛
 * farm-to-shelf ledger — every answer an EPCISQueryDocument that the schema
 * checks accept, filtered by business step, lot and event time, paged by
 * perPage and a tamper-checked nextPageToken, each event naming its entry.
 */
import type { Entry, SigningKey } from '../../ledger/index.js';
import { EPCIS_CONTEXT, epcisProblems } from '../regulator/epcis-structure.js';
import { HOUR, startChain, type Chain } from '../trace/helpers.js';
import { accepted } from '../helpers/outcomes.js';
import { FARM_LOT, FIL_A, farmToShelf } from '../trace/journey.js';
import { ORIGIN } from '../helpers/fixture.js';
import { queryDocumentProblems } from './query-schema.js';

let c: Chain;
let auditor: SigningKey;
let lotEntries: Entry[];
let t0: number;

const FARM_URI = 'https://id.gs1.org/01/06901234567892/10/DC-001';
const FIL_A_URN = `urn:anxin:epcis:lot:${encodeURIComponent(ORIGIN)}:${FIL_A}`;

beforeAll(async () => {
  c = await startChain();
  auditor = await c.f.register('audit-01', 'auditor');
  t0 = c.f.clock.ms;
  await farmToShelf(c);
  c.f.clock.advance(HOUR);
  await accepted(c.f.post(c.f.regulator, 'lot.recall', { code: FARM_LOT, level: 2, reason: '复检不合格' }));
  await accepted(c.f.post(c.market, 'lot.dispose', { code: FIL_A, amount: 68, reason: '召回销毁' }));
  lotEntries = Array.from({ length: c.f.ledger.size }, (_, i) => c.f.ledger.entry(i)!).filter((e) => e.event.type.startsWith('lot.'));
});
afterAll(() => c.f.close());

const query = async (qs: string, key: SigningKey = c.f.regulator) => {
  const res = await c.f.get(`/epcis/events${qs ? `?${qs}` : ''}`, key);
  return res;
};

/** A page that must be a valid EPCISQueryDocument; its events. */
const events = async (qs: string, key?: SigningKey) => {
  const res = await query(qs, key);
  expect({ status: res.status, type: res.type }).toEqual({ status: 200, type: 'application/ld+json' });
  const doc = JSON.parse(res.text);
  expect(queryDocumentProblems(doc)).toEqual([]);
  const list = doc.epcisBody.queryResults.resultsBody.eventList;
  expect(
    epcisProblems({
      '@context': EPCIS_CONTEXT,
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: doc.creationDate,
      epcisBody: { eventList: list },
    }),
  ).toEqual([]);
  return { list: list as Array<Record<string, any>>, next: res.headers.link as string | undefined };
};

const indexes = (list: Array<Record<string, any>>) => list.map((e) => e['anxin:ledgerIndex']);

describe('GET /epcis/events', () => {
  test('when asked without filters, then every lot entry once, in ledger order, each with its ledger index and leaf', async () => {
    const { list } = await events('perPage=1000', auditor);
    expect(indexes(list)).toEqual(lotEntries.map((e) => e.index));
    for (const e of list) expect(e['anxin:leaf']).toBe(c.f.ledger.entry(e['anxin:ledgerIndex'])!.leaf);
    expect(list.map((e) => e.bizStep)).toContain('sensor_reporting');
    expect(list.find((e) => e.type === 'TransformationEvent')).toBeDefined();
  });

  test('when EQ_bizStep is given in bare, URI or URN form, then only that step', async () => {
    const shipping = lotEntries.filter((e) => e.event.type === 'lot.ship').map((e) => e.index);
    for (const step of ['shipping', 'https://ref.gs1.org/cbv/BizStep-shipping', 'urn:epcglobal:cbv:bizstep:shipping'])
      expect(indexes((await events(`EQ_bizStep=${encodeURIComponent(step)}`)).list)).toEqual(shipping);
    const two = await events('EQ_bizStep=shipping,receiving');
    expect(new Set(two.list.map((e) => e.bizStep))).toEqual(new Set(['shipping', 'receiving']));
    expect((await events('EQ_bizStep=loading')).list).toEqual([]);
  });

  test('when MATCH_anyEPC names a lot (Digital Link or anxin URN), then the events whose quantities name it', async () => {
    const farm = (await events(`MATCH_anyEPC=${encodeURIComponent(FARM_URI)}&perPage=1000`)).list;
    expect(farm.length).toBeGreaterThan(0);
    for (const e of farm) expect(JSON.stringify([e.quantityList, e.inputQuantityList])).toContain(FARM_URI);
    expect(farm.map((e) => e.type)).toContain('TransformationEvent');
    const fillet = (await events(`MATCH_anyEPCClass=${encodeURIComponent(FIL_A_URN)}&perPage=1000`)).list;
    expect(fillet.map((e) => e.bizStep)).toEqual(['commissioning', 'shipping', 'receiving', 'retail_selling', 'holding', 'destroying']);
    expect((await events(`MATCH_anyEPC=${encodeURIComponent('urn:anxin:epcis:lot:elsewhere:X')}`)).list).toEqual([]);
  });

  test('when GE_eventTime and LT_eventTime are given, then events with GE ≤ eventTime < LT', async () => {
    const ge = new Date(t0 + HOUR).toISOString();
    const lt = new Date(t0 + 2 * HOUR).toISOString();
    const { list } = await events(`GE_eventTime=${ge}&LT_eventTime=${lt}&perPage=1000`);
    const want = lotEntries.filter((e) => e.event.at >= ge && e.event.at < lt).map((e) => e.index);
    expect(want.length).toBeGreaterThan(0);
    expect(indexes(list)).toEqual(want);
  });

  test('when paged by perPage, then following the Link header gives every event once, in order', async () => {
    const seen: number[] = [];
    let qs = 'perPage=4';
    for (let pages = 0; pages < 50; pages++) {
      const { list, next } = await events(qs);
      seen.push(...indexes(list));
      if (!next) break;
      qs = /<\/epcis\/events\?([^>]*)>; rel="next"/.exec(next)![1];
    }
    expect(seen).toEqual(lotEntries.map((e) => e.index));
  });

  test('when the page token is altered or used with other filters, then 400 invalid_request', async () => {
    const { next } = await events('perPage=2');
    const token = new URLSearchParams(/\?([^>]*)>/.exec(next!)![1]).get('nextPageToken')!;
    const [body, mac] = token.split('.');
    const forged =
      Buffer.from(JSON.stringify([0, JSON.parse(Buffer.from(body, 'base64url').toString())[1]])).toString('base64url') + '.' + mac;
    for (const qs of [
      `perPage=2&nextPageToken=${forged}`,
      `perPage=2&EQ_bizStep=shipping&nextPageToken=${token}`,
      'perPage=2&nextPageToken=x.y',
    ]) {
      const res = await query(qs);
      expect({ qs, status: res.status, code: res.body.code }).toEqual({ qs, status: 400, code: 'invalid_request' });
    }
  });

  test('when a parameter is unknown or malformed, then 400 invalid_request; unsigned 401; a producer 403', async () => {
    for (const qs of ['EQ_action=ADD', 'perPage=0', 'GE_eventTime=yesterday', 'EQ_bizStep=Shipping%20now']) {
      const res = await query(qs);
      expect({ qs, status: res.status, code: res.body.code }).toEqual({ qs, status: 400, code: 'invalid_request' });
    }
    const anon = await c.f.get('/epcis/events');
    const farm = await query('', c.farm);
    expect([anon.status, anon.body.code, farm.status, farm.body.code]).toEqual([401, 'unauthenticated', 403, 'forbidden']);
  });
});
