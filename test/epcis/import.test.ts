/**
 * The pure EPCIS 2.0 import mapping (src/epcis/import.ts): identifiers read the
 * way the export and the Digital Link resolver write them, stable ids, whose
 * events are whose, and hostile input reported rather than thrown.
 */
import { readFileSync } from 'node:fs';
import { EpcisInputError, epcisEventsOf, parseLotRef, planImport } from '../../src/epcis/import.js';

const DOC = JSON.parse(readFileSync('test/fixtures/epcis/fish-chain.jsonld', 'utf8'));
const PARTIES = {
  'urn:epc:id:sgln:6901234.00001.0': 'fishery-1',
  'urn:epc:id:pgln:6901234.00000': 'fishery-1',
  'urn:epc:id:sgln:6907654.00002.0': 'processor-1',
  'urn:epc:id:pgln:6907654.00000': 'processor-1',
};

const commissioning = (fields: Record<string, unknown> = {}) => ({
  type: 'ObjectEvent',
  eventTime: '2026-11-24T05:40:00.000+08:00',
  eventTimeZoneOffset: '+08:00',
  action: 'ADD',
  bizStep: 'https://ref.gs1.org/cbv/BizStep-commissioning',
  quantityList: [{ epcClass: 'https://example.com/01/06901234567892/10/LOT-A', quantity: 10, uom: 'KGM' }],
  ilmd: { 'cbvmda:countryOfOrigin': 'CN', 'anxin:storage': 'frozen' },
  ...fields,
});

describe('parseLotRef', () => {
  test.each([
    ['a Digital Link on id.gs1.org', 'https://id.gs1.org/01/06901234567892/10/LYC-1', { gtin: '06901234567892', code: 'LYC-1' }],
    [
      'a Digital Link on any resolver, GTIN-13, lot percent-encoded',
      'https://anxin.example/01/6901234567892/10/A%3AB',
      { gtin: '06901234567892', code: 'A:B' },
    ],
    [
      'an LGTIN (indicator digit first in the item reference)',
      'urn:epc:class:lgtin:6901234.056790.FIL-1',
      { gtin: '06901234567908', code: 'FIL-1' },
    ],
    ['an SGTIN (a GTIN, no lot)', 'urn:epc:id:sgtin:6901234.056790.400', { gtin: '06901234567908' }],
    ['an anxin lot URN', 'urn:anxin:epcis:lot:anxin.test%2Fledger:LOT-9', { code: 'LOT-9' }],
  ])('when given %s, then it names the lot', (_name, uri, ref) => {
    expect(parseLotRef(uri)).toEqual(ref);
  });

  test.each([
    ['a Digital Link with a wrong check digit', 'https://id.gs1.org/01/06901234567891/10/LYC-1'],
    ['an SSCC', 'urn:epc:id:sscc:6907654.0000000041'],
    ['an LGTIN of 12 digits', 'urn:epc:class:lgtin:690123.05679.X'],
    ['text', 'LYC-1'],
  ])('when given %s, then it names none', (_name, uri) => {
    expect(parseLotRef(uri)).toBeUndefined();
  });
});

describe('planImport', () => {
  test('when the same document is planned twice, then the ids are the same, and differ between events', () => {
    const a = planImport(DOC, { signer: 'fishery-1', parties: PARTIES });
    const b = planImport(structuredClone(DOC), { signer: 'fishery-1', parties: PARTIES });
    expect(a.events.map((e) => e.id)).toEqual(b.events.map((e) => e.id));
    expect(new Set(a.events.map((e) => e.id)).size).toBe(a.events.length);
    for (const e of a.events) expect(e.id).toMatch(/^epcis-[A-Za-z0-9_-]{32}$/);
  });

  test('when an event has no eventID, then its id comes from its content: the same event, the same id; another, another', () => {
    const one = planImport(commissioning(), { signer: 'p' }).events[0];
    expect(planImport(commissioning(), { signer: 'p' }).events[0].id).toBe(one.id);
    expect(planImport(commissioning({ eventTime: '2026-11-24T05:41:00.000+08:00' }), { signer: 'p' }).events[0].id).not.toBe(one.id);
    expect(one.source).toBe('#0');
  });

  test('when an event is located at another known actor, then it is left to it; without --parties, foreign locations are the signer', () => {
    const plan = planImport(DOC, { signer: 'processor-1', parties: PARTIES });
    expect(plan.otherParties.map((o) => o.party)).toEqual(['fishery-1', 'fishery-1']);
    const anxinLoc = commissioning({ bizLocation: { id: 'urn:anxin:epcis:loc:anxin.test%2Fledger:farm-2' } });
    expect(planImport(anxinLoc, { signer: 'farm-1' })).toMatchObject({ events: [], otherParties: [{ party: 'farm-2' }] });
    expect(planImport(anxinLoc, { signer: 'farm-2' }).events).toHaveLength(1);
  });

  test('when the storage class is missing, then --storage supplies it, else the event is reported', () => {
    const bare = commissioning({ ilmd: { 'cbvmda:countryOfOrigin': 'CN' } });
    expect(planImport(bare, { signer: 'p' }).unmapped[0].reason).toMatch(/no storage class/);
    expect(planImport(bare, { signer: 'p', storage: 'ambient' }).events[0].body).toMatchObject({ storage: 'ambient' });
  });

  test.each([
    [
      'an amount beyond the largest lot',
      { quantityList: [{ epcClass: 'urn:epc:class:lgtin:6901234.056790.X', quantity: 1e12, uom: 'KGM' }] },
      /would be invalid: quantity.amount/,
    ],
    [
      'a negative quantity',
      { quantityList: [{ epcClass: 'urn:epc:class:lgtin:6901234.056790.X', quantity: -1, uom: 'KGM' }] },
      /missing quantity/,
    ],
    [
      'a lot code that is not an anxin id',
      { quantityList: [{ epcClass: 'urn:epc:class:lgtin:6901234.056790.a%2Fb', quantity: 1, uom: 'KGM' }] },
      /would be invalid: code/,
    ],
    [
      'an unknown unit of measure',
      { quantityList: [{ epcClass: 'urn:epc:class:lgtin:6901234.056790.X', quantity: 1, uom: 'constructor' }] },
      /unit of measure constructor/,
    ],
    ['a commissioning that deletes', { action: 'DELETE' }, /action DELETE/],
    [
      'a temperature in an unknown unit',
      { sensorElementList: [{ sensorReport: [{ type: 'Temperature', value: 1, uom: '__proto__' }] }] },
      /temperature in unit __proto__/,
    ],
  ])('when an event carries %s, then it is reported, not thrown', (_name, fields, reason) => {
    const plan = planImport(commissioning(fields), { signer: 'p' });
    expect(plan.events).toEqual([]);
    expect(plan.unmapped).toEqual([expect.objectContaining({ source: '#0', reason: expect.stringMatching(reason) })]);
  });

  test('when --parties names __proto__, then nothing from the prototype is taken for an actor', () => {
    const ship = {
      type: 'ObjectEvent',
      action: 'OBSERVE',
      bizStep: 'shipping',
      eventTime: '2026-11-24T05:40:00.000+08:00',
      quantityList: [{ epcClass: 'urn:epc:class:lgtin:6901234.056790.X', quantity: 1, uom: 'KGM' }],
      bizTransactionList: [{ type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:1:2' }],
      destinationList: [{ type: 'possessing_party', destination: '__proto__' }],
    };
    expect(planImport(ship, { signer: 'p', parties: {} }).unmapped[0].reason).toMatch(/destination __proto__ is not a known actor/);
  });

  test('when a shipping and a receiving event name the same business transaction, then they meet on one shipment', () => {
    const fishery = planImport(DOC, { signer: 'fishery-1', parties: PARTIES }).events;
    const processor = planImport(DOC, { signer: 'processor-1', parties: PARTIES }).events;
    const shipped = fishery.find((e) => e.type === 'lot.ship')!.body.shipment;
    expect(processor.find((e) => e.type === 'lot.receive')!.body.shipment).toBe(shipped);
    expect(shipped).toMatch(/^bt-/);
  });
});

describe('epcisEventsOf', () => {
  test('reads an EPCISDocument, an EPCISQueryDocument and a single event', () => {
    expect(epcisEventsOf(DOC)).toHaveLength(8);
    const query = { type: 'EPCISQueryDocument', epcisBody: { queryResults: { resultsBody: { eventList: [commissioning()] } } } };
    expect(epcisEventsOf(query)).toHaveLength(1);
    expect(epcisEventsOf(commissioning())).toHaveLength(1);
  });

  test.each([null, 'x', [], { type: 'Foo' }, { type: 'EPCISDocument' }, { type: 'EPCISDocument', epcisBody: { eventList: [1] } }])(
    'rejects %j as not EPCIS',
    (doc) => {
      expect(() => epcisEventsOf(doc)).toThrow(EpcisInputError);
    },
  );
});
