/**
 * Races and replays at the counter and the bank (SPEC §14), on a real listening
 * server: a consumption link posted twice is one entry; 100 payouts posted at
 * once on one card never pay out more than its claim or the custody.
 */
import request from 'supertest';
import type { SigningKey } from '../../ledger/index.js';
import { signEvent } from '../helpers/fixture.js';
import { listen } from '../http/support.js';
import { accepted, cardState, holderKey, issue, merchantState, startWorld, type World } from './helpers.js';

let w: World;
let server: Awaited<ReturnType<typeof listen>>;
let holder: SigningKey;
beforeEach(async () => {
  w = await startWorld({ tier: 'scale' });
  server = await listen(w.f);
  holder = holderKey('C-1');
  await accepted(issue(w.f, w.merchant, 'C-1', 100_000, { holder }));
});
afterEach(async () => {
  await server.close();
  await w.f.close();
});

test('when the same co-signed consumption is posted twice, then one entry: 201, then 200 with the same receipt', async () => {
  const env = signEvent(w.merchant, 'card.consume', { card: 'C-1', amount: 3_000 }, w.f.clock, { holder });
  const first = await request(server.url).post('/v1/events').send(env);
  const size = w.f.ledger.size;
  const again = await request(server.url).post('/v1/events').send(env);
  expect([first.status, again.status]).toEqual([201, 200]);
  expect(again.body).toMatchObject({ index: first.body.index, leaf: first.body.leaf, hash: first.body.hash });
  expect(w.f.ledger.size).toBe(size);
  expect(cardState(w.f, 'C-1')!.balance).toBe(97_000);
});

test('when the same link is posted 20 times at once, then exactly one consumption is appended', async () => {
  const env = signEvent(w.merchant, 'card.consume', { card: 'C-1', amount: 3_000 }, w.f.clock, { holder });
  const answers = await Promise.all(Array.from({ length: 20 }, () => request(server.url).post('/v1/events').send(env)));
  expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
  expect(answers.every((a) => a.status === 201 || a.status === 200)).toBe(true);
  expect(new Set(answers.map((a) => a.body.index)).size).toBe(1);
  expect(cardState(w.f, 'C-1')!.balance).toBe(97_000);
});

test('when 100 payouts of 3,000 fen race on one card of a closed merchant, then they never pay more than the claim or the custody', async () => {
  await accepted(w.f.post(w.bank, 'custody.deposit', { merchant: w.merchant.id, amount: 200_000, ref: 'DEP' }));
  await accepted(w.f.post(w.f.regulator, 'merchant.dispose', { merchant: w.merchant.id, action: 'close', reason: 'r' }));
  const payouts = Array.from({ length: 100 }, () =>
    signEvent(w.bank, 'custody.payout', { merchant: w.merchant.id, card: 'C-1', amount: 3_000, ref: 'PAY' }, w.f.clock),
  );
  const answers = await Promise.all(payouts.map((e) => request(server.url).post('/v1/events').send(e)));
  const ok = answers.filter((a) => a.status === 201);
  const refused = answers.filter((a) => a.status !== 201);
  // 100000 fen holds 33 payouts of 3000; the 34th and later find 1000 fen left.
  expect(ok).toHaveLength(33);
  expect(refused.every((a) => a.status === 422 && a.body.code === 'insufficient_balance')).toBe(true);
  expect(cardState(w.f, 'C-1')).toMatchObject({ balance: 1_000, paidOut: 99_000 });
  expect(merchantState(w.f, w.merchant.id)).toMatchObject({ custody: 101_000, paidOut: 99_000, outstanding: 1_000 });
});

test('when 100 payouts race on custody smaller than the claim, then custody never goes below zero', async () => {
  await accepted(w.f.post(w.bank, 'custody.deposit', { merchant: w.merchant.id, amount: 20_000, ref: 'DEP' }));
  await accepted(w.f.post(w.f.regulator, 'merchant.dispose', { merchant: w.merchant.id, action: 'close', reason: 'r' }));
  const payouts = Array.from({ length: 100 }, () =>
    signEvent(w.bank, 'custody.payout', { merchant: w.merchant.id, card: 'C-1', amount: 700, ref: 'PAY' }, w.f.clock),
  );
  const answers = await Promise.all(payouts.map((e) => request(server.url).post('/v1/events').send(e)));
  expect(answers.filter((a) => a.status === 201)).toHaveLength(28); // 28 × 700 = 19600 ≤ 20000 < 29 × 700
  expect(answers.filter((a) => a.status !== 201).every((a) => a.body.code === 'custody_insufficient')).toBe(true);
  expect(merchantState(w.f, w.merchant.id)!.custody).toBe(400);
});
