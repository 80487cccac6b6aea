/**
 * A closure paid out to the last fen (SPEC §14): when the regulator closes a
 * merchant, every card with a balance becomes a claim; the custodian pays from
 * custody, the merchant refunds what it still can, the insurer compensates the
 * rest, and the claims read shows the progress to each party. The steps share
 * one ledger, in order.
 */
import { fromBase64Url, fromHex, nodeSuite, verifyCheckpoint, verifyInclusion, verifyLog, type SigningKey } from '../../ledger/index.js';
import { Catalogue } from '../../src/domain/catalogue.js';
import { domainReplay } from '../../src/domain/replay.js';
import { DOMAINS } from '../../src/plugins.js';
import { ORIGIN, type Fixture } from '../helpers/fixture.js';
import { accepted, cardState, holderKey, issue, merchantState, rejected, startWorld } from './helpers.js';

const SPA = 'm-jiaojiang-spa-01';
let f: Fixture;
let spa: SigningKey;
let bank: SigningKey;
let insurer: SigningKey;
const holders = { 'S-1': holderKey('S-1'), 'S-2': holderKey('S-2'), 'S-3': holderKey('S-3'), 'S-4': holderKey('S-4') };
const payoutIds: string[] = [];

const payout = (card: string, amount: number, id?: string) =>
  f.post(bank, 'custody.payout', { merchant: SPA, card, amount, ref: `ICBC-PAY-${card}` }, id ? { id } : {});

beforeAll(async () => {
  ({ f, merchant: spa, bank, insurer } = await startWorld({ merchant: SPA, tier: 'scale' }));
  await accepted(issue(f, spa, 'S-1', 200_000, { holder: holders['S-1'] }));
  await accepted(issue(f, spa, 'S-2', 300_000, { holder: holders['S-2'] }));
  await accepted(issue(f, spa, 'S-3', 100_000, { holder: holders['S-3'] }));
  await accepted(issue(f, spa, 'S-4', 5_000, { holder: holders['S-4'] }));
  await accepted(f.post(spa, 'card.consume', { card: 'S-4', amount: 5_000 }, { holder: holders['S-4'] }));
  await accepted(f.post(bank, 'custody.deposit', { merchant: SPA, amount: 120_000, ref: 'ICBC-DEP-1' }));
  await accepted(f.post(spa, 'card.consume', { card: 'S-1', amount: 50_000 }, { holder: holders['S-1'] }));
  // outstanding 550000 → required 110000; custody 120000.
});
afterAll(() => f.close());

describe('a spa closes with 5,500 yuan on three cards and 1,200 yuan in custody', () => {
  test('when the bank pays out before the closure, then 422 merchant_not_closed', async () => {
    await rejected(f, payout('S-1', 1_000), 422, 'merchant_not_closed');
  });

  test('when the regulator closes it, then three cards hold claims of their balances (the empty card holds none)', async () => {
    await accepted(f.post(f.regulator, 'merchant.dispose', { merchant: SPA, action: 'close', reason: 'owner absconded' }));
    const res = await f.get(`/v1/merchants/${SPA}/claims`, f.regulator);
    expect(res.status).toBe(200);
    expect(res.body.closedIndex).toBe(merchantState(f, SPA)!.lastDisposal!.index);
    expect(res.body.totals).toEqual({ cards: 3, claim: 550_000, paid: { custody: 0, insurance: 0, refund: 0 }, outstanding: 550_000 });
    expect(res.body.claims).toEqual([
      { card: 'S-1', claim: 150_000, paid: { custody: 0, insurance: 0, refund: 0 }, outstanding: 150_000 },
      { card: 'S-2', claim: 300_000, paid: { custody: 0, insurance: 0, refund: 0 }, outstanding: 300_000 },
      { card: 'S-3', claim: 100_000, paid: { custody: 0, insurance: 0, refund: 0 }, outstanding: 100_000 },
    ]);
  });

  test('when a payout is larger than the card balance or the custody, then insufficient_balance resp. custody_insufficient', async () => {
    await rejected(f, payout('S-3', 100_001), 422, 'insufficient_balance');
    await rejected(f, payout('S-2', 120_001), 422, 'custody_insufficient');
  });

  test('when another bank, the merchant or the insurer pays out, then 403 forbidden; a card of another merchant is invalid_event', async () => {
    const otherBank = await f.register('bank-other-02', 'custodian');
    await rejected(f, f.post(otherBank, 'custody.payout', { merchant: SPA, card: 'S-1', amount: 1, ref: 'x' }), 403, 'forbidden');
    await rejected(f, f.post(spa, 'custody.payout', { merchant: SPA, card: 'S-1', amount: 1, ref: 'x' }), 403, 'forbidden');
    await rejected(f, f.post(insurer, 'custody.payout', { merchant: SPA, card: 'S-1', amount: 1, ref: 'x' }), 403, 'forbidden');
    const gym = await f.register('m-gym-other-03', 'merchant', { merchant: { tier: 'scale', custodian: bank.id } });
    const h = holderKey('G-1');
    await accepted(issue(f, gym, 'G-1', 1_000, { holder: h }));
    await rejected(f, payout('G-1', 1), 400, 'invalid_event');
  });

  test('when the bank pays all custody out, the spa refunds and the insurer compensates the rest, then every claim is paid to the fen', async () => {
    payoutIds.push('payout-S-2-0001', 'payout-S-1-0001');
    await accepted(payout('S-2', 100_000, payoutIds[0]));
    await accepted(payout('S-1', 20_000, payoutIds[1]));
    expect(merchantState(f, SPA)).toMatchObject({ custody: 0, paidOut: 120_000, outstanding: 430_000 });
    await rejected(f, payout('S-1', 1), 422, 'custody_insufficient');
    await accepted(f.post(spa, 'card.refund', { card: 'S-3', amount: 10_000 }, { holder: holders['S-3'] }));
    for (const [card, amount] of [
      ['S-1', 130_000],
      ['S-2', 200_000],
      ['S-3', 90_000],
    ] as const)
      await accepted(f.post(insurer, 'insurance.compensate', { merchant: SPA, card, amount }));
    const res = await f.get(`/v1/merchants/${SPA}/claims`, insurer);
    expect(res.body.totals).toEqual({
      cards: 3,
      claim: 550_000,
      paid: { custody: 120_000, insurance: 420_000, refund: 10_000 },
      outstanding: 0,
    });
    expect(res.body.claims).toEqual([
      { card: 'S-1', claim: 150_000, paid: { custody: 20_000, insurance: 130_000, refund: 0 }, outstanding: 0 },
      { card: 'S-2', claim: 300_000, paid: { custody: 100_000, insurance: 200_000, refund: 0 }, outstanding: 0 },
      { card: 'S-3', claim: 100_000, paid: { custody: 0, insurance: 90_000, refund: 10_000 }, outstanding: 0 },
    ]);
    for (const card of ['S-1', 'S-2', 'S-3']) expect(cardState(f, card)).toMatchObject({ balance: 0, status: 'empty' });
  });

  test('when the regulator warns the closed spa, then the warning is recorded and the claims keep the balances at close', async () => {
    const closure = merchantState(f, SPA)!.closure;
    await accepted(f.post(f.regulator, 'merchant.dispose', { merchant: SPA, action: 'warn', reason: 'late filing' }));
    expect(merchantState(f, SPA)).toMatchObject({ status: 'closed', closure });
    const res = await f.get(`/v1/merchants/${SPA}/claims`, insurer);
    expect(res.body.totals).toMatchObject({ cards: 3, claim: 550_000, outstanding: 0 });
  });

  test('when the holder reads the card, then every payout is an entry with an inclusion proof; the bank reads each receipt', async () => {
    const res = await f.get('/v1/cards/S-2', holders['S-2']);
    expect(res.status).toBe(200);
    const { entries, checkpoint, proofs } = res.body;
    const payouts = entries.filter((e: { event: { type: string } }) => e.event.type === 'custody.payout');
    expect(payouts).toHaveLength(1);
    expect(verifyCheckpoint(nodeSuite, checkpoint, ORIGIN, fromBase64Url(f.operator.publicKey)!)).toBeUndefined();
    for (const e of entries) {
      const path = proofs[String(e.index)].map((h: string) => fromHex(h)!);
      expect(verifyInclusion(nodeSuite, e.index, checkpoint.size, fromHex(e.leaf)!, path, fromHex(checkpoint.root)!)).toBe(true);
    }
    const receipt = await f.get(`/v1/events/${bank.id}/${payoutIds[0]}`, bank);
    expect(receipt.status).toBe(200);
    expect(receipt.body).toMatchObject({ index: payouts[0].index, leaf: payouts[0].leaf, hash: payouts[0].hash });
  });

  test('when the log is replayed with every rule, then it is clean', async () => {
    const entries = Array.from({ length: f.ledger.size }, (_, i) => f.ledger.entry(i)!);
    const report = await verifyLog(entries, {
      origin: ORIGIN,
      operatorKey: f.operator.publicKey,
      hook: domainReplay(new Catalogue(DOMAINS), { maxSkewS: 600 }),
      threads: 1,
    });
    expect(report.errors).toEqual([]);
  });
});

describe('who reads the claims', () => {
  test('when nobody signs, or another merchant does, then only the totals', async () => {
    for (const res of [await f.get(`/v1/merchants/${SPA}/claims`), await f.get(`/v1/merchants/${SPA}/claims`, spa)]) {
      expect(res.status).toBe(200);
      expect(res.body.claims).toBeUndefined();
      expect(res.body.totals.claim).toBe(550_000);
    }
  });

  test('when a holder reads, then only its own card', async () => {
    const res = await f.get(`/v1/merchants/${SPA}/claims`, holders['S-3']);
    expect(res.body.claims).toEqual([expect.objectContaining({ card: 'S-3', claim: 100_000 })]);
  });

  test('when the custodian or the insurer reads, then the whole list; a custodian of others gets the totals only', async () => {
    expect((await f.get(`/v1/merchants/${SPA}/claims`, bank)).body.claims).toHaveLength(3);
    expect((await f.get(`/v1/merchants/${SPA}/claims`, insurer)).body.claims).toHaveLength(3);
    const other = await f.register('bank-third-04', 'custodian');
    expect((await f.get(`/v1/merchants/${SPA}/claims`, other)).body.claims).toBeUndefined();
  });

  test('when the list is paged, then next continues after the last card', async () => {
    const first = await f.get(`/v1/merchants/${SPA}/claims?limit=2`, f.regulator);
    expect(first.body.claims.map((c: { card: string }) => c.card)).toEqual(['S-1', 'S-2']);
    const second = await f.get(first.body.next, f.regulator);
    expect(second.body.claims.map((c: { card: string }) => c.card)).toEqual(['S-3']);
    expect(second.body.next).toBeNull();
  });

  test('when the merchant is unknown, then 404 not_found; a bad signature is 401', async () => {
    const res = await f.get('/v1/merchants/m-nobody/claims');
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'not_found' });
    const bad = await f.get(`/v1/merchants/${SPA}/claims`, holderKey('S-1'), 'card:S-1');
    expect({ status: bad.status, code: bad.body.code }).toEqual({ status: 401, code: 'unauthenticated' });
  });
});
