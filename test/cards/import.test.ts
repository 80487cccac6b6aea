/**
 * card.import (SPEC §14): a merchant joining the platform brings the cards it
 * sold before, within 30 days of its registration, with their original sale time.
 */
import type { SigningKey } from '../../ledger/index.js';
import {
  DAY,
  HOUR,
  accepted,
  asHolder,
  cardState,
  holderKey,
  holderRefOf,
  merchantState,
  rejected,
  startWorld,
  type World,
} from './helpers.js';
import type { Anomaly } from '../../src/regulator/anomalies/index.js';

let w: World;
let holder: SigningKey;
beforeEach(async () => {
  w = await startWorld();
  holder = holderKey('OLD-1');
});
afterEach(() => w.f.close());

const daysAgo = (days: number) => new Date(w.f.clock.ms - days * DAY).toISOString();
const importBody = (card: string, balance: number, issuedAt: string, o: { holder?: SigningKey; kind?: 'named' | 'anonymous' } = {}) => ({
  card,
  kind: o.kind ?? 'named',
  balance,
  issuedAt,
  ...(o.holder && { holderKey: o.holder.publicKey }),
  ...((o.kind ?? 'named') === 'named' && { holderRef: holderRefOf(card) }),
  payment: 'cash',
  purchaser: 'person',
});
const importCard = (card: string, balance: number, issuedAt: string, o: { holder?: SigningKey; kind?: 'named' | 'anonymous' } = {}) =>
  w.f.post(w.merchant, 'card.import', importBody(card, balance, issuedAt, o), o.holder ? { holder: o.holder } : {});

test('when a card sold a year ago is imported, then it keeps that sale time and its balance counts towards custody', async () => {
  await accepted(importCard('OLD-1', 120_000, daysAgo(365), { holder }));
  expect(cardState(w.f, 'OLD-1')).toMatchObject({ balance: 120_000, issuedAt: daysAgo(365), imported: true, holderKey: holder.publicKey });
  expect(merchantState(w.f, w.merchant.id)).toMatchObject({ outstanding: 120_000, required: 24_000, cards: 1 });
});

test('when its sale was more than 7 days ago, then cooling-off has already expired: 422 cooling_off_expired', async () => {
  await accepted(importCard('OLD-1', 10_000, daysAgo(8), { holder }));
  await rejected(
    w.f,
    asHolder(w.f, holder, 'OLD-1', 'card.refundRequest', { card: 'OLD-1', amount: 1_000, reason: 'coolingOff' }),
    422,
    'cooling_off_expired',
  );
});

test('when its sale was 2 days ago, then cooling-off still runs from that sale', async () => {
  await accepted(importCard('OLD-1', 10_000, daysAgo(2), { holder }));
  await accepted(asHolder(w.f, holder, 'OLD-1', 'card.refundRequest', { card: 'OLD-1', amount: 1_000, reason: 'coolingOff' }));
});

test('when the holder key does not co-sign, then 422 holder_signature_required', async () => {
  await rejected(
    w.f,
    w.f.post(w.merchant, 'card.import', importBody('OLD-1', 10_000, daysAgo(10), { holder })),
    422,
    'holder_signature_required',
  );
});

test('when issuedAt is not in the past, then 400 invalid_event', async () => {
  await rejected(w.f, importCard('OLD-1', 10_000, w.f.clock.iso()), 400, 'invalid_event');
  await rejected(w.f, importCard('OLD-1', 10_000, new Date(w.f.clock.ms + HOUR).toISOString()), 400, 'invalid_event');
});

test('when the balance is over the cap or the id exists, then cap_exceeded and card_exists as for card.issue', async () => {
  await rejected(w.f, importCard('OLD-1', 100_001, daysAgo(10), { kind: 'anonymous' }), 422, 'cap_exceeded');
  await accepted(importCard('OLD-1', 10_000, daysAgo(10)));
  await rejected(w.f, importCard('OLD-1', 10_000, daysAgo(10)), 409, 'card_exists');
});

test('when 30 days have passed since registration, then 422 import_closed; exactly 30 days is still open', async () => {
  w.f.clock.advance(30 * DAY - 2_000); // the merchant was registered a moment after the fixture's start
  await accepted(importCard('OLD-1', 10_000, daysAgo(40)));
  w.f.clock.advance(60_000);
  await rejected(w.f, importCard('OLD-2', 10_000, daysAgo(40)), 422, 'import_closed');
});

test('when a merchant imports 30,000,000 fen of old cards, then sales-spike does not open (imports are not sales)', async () => {
  const group = await w.addMerchant('m-big-chain-01', 'other');
  for (let i = 0; i < 60; i++)
    await accepted(
      w.f.post(group, 'card.import', { ...importBody(`BIG-${i}`, 500_000, daysAgo(100)), purchaser: 'company', payment: 'transfer' }),
    );
  const res = await w.f.get('/v1/regulator/anomalies?rule=sales-spike', w.f.regulator);
  expect(res.status).toBe(200);
  expect((res.body.anomalies as Anomaly[]).filter((a) => a.subject === group.id)).toEqual([]);
  expect(merchantState(w.f, group.id)).toMatchObject({ outstanding: 30_000_000 });
});
