/**
 * The structural EPCIS validator of epcis-structure.ts rejects what it is there
 * to catch, so that the export tests' `epcisProblems(doc) == []` means something.
 */
import { EPCIS_CONTEXT, epcisProblems, gtinValid } from './epcis-structure.js';

const event = (extra: Record<string, unknown> = {}) => ({
  type: 'ObjectEvent',
  eventTime: '2026-11-22T08:00:00.000Z',
  eventTimeZoneOffset: '+08:00',
  action: 'OBSERVE',
  bizStep: 'shipping',
  disposition: 'in_transit',
  quantityList: [{ epcClass: 'https://id.gs1.org/01/06901234567892/10/DC-001', quantity: 5, uom: 'KGM' }],
  'anxin:ledgerIndex': 3,
  ...extra,
});
const doc = (...events: unknown[]) => ({
  '@context': EPCIS_CONTEXT,
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2026-11-22T08:00:00.000Z',
  epcisBody: { eventList: events },
});

test('a minimal well-formed document has no problems', () => {
  expect(epcisProblems(doc(event()))).toEqual([]);
});

test.each([
  ['another context', { ...doc(event()), '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'] }, '@context'],
  ['schemaVersion 2 as a number', { ...doc(event()), schemaVersion: 2 }, 'schemaVersion'],
  ['an extension key without a prefix', doc(event({ ledgerIndex: 3 })), 'ledgerIndex'],
  ['a nested extension key without a prefix', doc(event({ 'anxin:recall': { level: 1 } })), 'level'],
  ['a bizStep outside the CBV', doc(event({ bizStep: 'teleporting' })), 'bizStep'],
  ['a disposition outside the CBV', doc(event({ disposition: 'lost' })), 'disposition'],
  [
    'a GTIN with a wrong check digit',
    doc(event({ quantityList: [{ epcClass: 'https://id.gs1.org/01/06901234567893/10/X', quantity: 1, uom: 'KGM' }] })),
    'check digit',
  ],
  [
    'a lot longer than AI (10) allows',
    doc(event({ quantityList: [{ epcClass: `https://id.gs1.org/01/06901234567892/10/${'L'.repeat(21)}`, quantity: 1 }] })),
    'AI (10)',
  ],
  ['a unit that is not a Rec 20 code', doc(event({ quantityList: [{ epcClass: 'urn:x:y', quantity: 1, uom: 'kg' }] })), 'Rec 20'],
  ['ILMD on an OBSERVE event', doc(event({ ilmd: { 'cbvmda:lotNumber': 'X' } })), 'ilmd'],
  ['an offset that is not ±hh:mm', doc(event({ eventTimeZoneOffset: '+8' })), 'eventTimeZoneOffset'],
  ['an ObjectEvent about nothing', doc(event({ quantityList: [] })), 'needs epcList'],
])('when the document has %s, then it is reported', (_what, bad, mention) => {
  const problems = epcisProblems(bad);
  expect(problems.join('\n')).toContain(mention);
});

test('GTIN check digits: the test GTIN is valid, a changed digit is not', () => {
  expect([gtinValid('06901234567892'), gtinValid('06901234567893'), gtinValid('09521234543213')]).toEqual([true, false, true]);
});
