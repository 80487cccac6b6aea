/**
 * What the bank, the insurer and everyone else read (SPEC §14): the custodian's
 * merchants with releasable, the full merchant view for its custodian and insurer,
 * the insurer's card reads after a closure, event receipts, published ratings.
 */
import type { SigningKey } from '../../ledger/index.js';
import { fromBase64Url, fromHex, nodeSuite, verifyCheckpoint, verifyInclusion } from '../../ledger/index.js';
import { ORIGIN } from '../helpers/fixture.js';
import { accepted, holderKey, issue, startWorld, type World } from './helpers.js';

let w: World;
let holder: SigningKey;
beforeEach(async () => {
  w = await startWorld({ tier: 'scale' });
  holder = holderKey('C-1');
  await accepted(issue(w.f, w.merchant, 'C-1', 100_000, { holder }));
  await accepted(w.f.post(w.bank, 'custody.deposit', { merchant: w.merchant.id, amount: 50_000, ref: 'DEP-1' }));
  await accepted(w.f.post(w.merchant, 'card.consume', { card: 'C-1', amount: 40_000 }, { holder }));
  // outstanding 60000 → required 12000; custody 50000; consumedUnreleased 40000.
});
afterEach(() => w.f.close());

const status = (res: { status: number; body: { code?: string } }) => ({ status: res.status, code: res.body.code });

describe('GET /v1/custodians/{id}/merchants', () => {
  test('when the custodian reads, then each merchant full view has releasable (backed, keeping custody ≥ required)', async () => {
    const res = await w.f.get(`/v1/custodians/${w.bank.id}/merchants`, w.bank);
    expect(res.status).toBe(200);
    expect(res.body.merchants).toEqual([
      expect.objectContaining({
        id: w.merchant.id,
        custody: 50_000,
        required: 12_000,
        consumedUnreleased: 40_000,
        releasable: { consumption: 38_000, refund: 0 },
      }),
    ]);
    // releasable is exactly what a release may take now.
    await accepted(w.f.post(w.bank, 'custody.release', { merchant: w.merchant.id, amount: 38_000, purpose: 'consumption', ref: 'R' }));
    const after = await w.f.get(`/v1/custodians/${w.bank.id}/merchants`, w.bank);
    expect(after.body.merchants[0].releasable).toEqual({ consumption: 0, refund: 0 });
  });

  test('when a regulator reads, then 200; another custodian, a merchant: 403; unsigned: 401; not a custodian: 404', async () => {
    expect((await w.f.get(`/v1/custodians/${w.bank.id}/merchants`, w.f.regulator)).status).toBe(200);
    const other = await w.f.register('bank-other-02', 'custodian');
    expect(status(await w.f.get(`/v1/custodians/${w.bank.id}/merchants`, other))).toEqual({ status: 403, code: 'forbidden' });
    expect(status(await w.f.get(`/v1/custodians/${w.bank.id}/merchants`, w.merchant))).toEqual({ status: 403, code: 'forbidden' });
    expect(status(await w.f.get(`/v1/custodians/${w.bank.id}/merchants`))).toEqual({ status: 401, code: 'unauthenticated' });
    expect(status(await w.f.get(`/v1/custodians/${w.insurer.id}/merchants`, w.f.regulator))).toEqual({ status: 404, code: 'not_found' });
  });
});

describe('the merchant view for its custodian and insurer', () => {
  test('when its custodian or insurer reads, then the full view; another bank gets the public view', async () => {
    for (const key of [w.bank, w.insurer]) expect((await w.f.get(`/v1/merchants/${w.merchant.id}`, key)).body.custody).toBe(50_000);
    const other = await w.f.register('bank-other-02', 'custodian');
    expect((await w.f.get(`/v1/merchants/${w.merchant.id}`, other)).body.custody).toBeUndefined();
  });
});

describe("the insurer reads a closed merchant's cards", () => {
  test('when the merchant is open, then 403; once closed, 200; another insurer 403', async () => {
    expect(status(await w.f.get('/v1/cards/C-1', w.insurer))).toEqual({ status: 403, code: 'forbidden' });
    await accepted(w.f.post(w.f.regulator, 'merchant.dispose', { merchant: w.merchant.id, action: 'close', reason: 'r' }));
    const res = await w.f.get('/v1/cards/C-1', w.insurer);
    expect(res.status).toBe(200);
    expect(res.body.card.balance).toBe(60_000);
    const other = await w.f.register('insurer-other-02', 'insurer');
    expect(status(await w.f.get('/v1/cards/C-1', other))).toEqual({ status: 403, code: 'forbidden' });
    expect(status(await w.f.get('/v1/cards/C-1', w.bank))).toEqual({ status: 403, code: 'forbidden' });
  });
});

describe('GET /v1/events/{actor}/{id}', () => {
  test("when the actor, the card's holder or a regulator asks, then the receipt; another merchant 403; unknown 404", async () => {
    const receipt = await accepted(w.f.post(w.merchant, 'card.consume', { card: 'C-1', amount: 1_000 }, { holder, id: 'consume-0001' }));
    for (const [key, keyid] of [[w.merchant], [holder, 'card:C-1'], [w.f.regulator]] as Array<[SigningKey, string?]>) {
      const res = await w.f.get(`/v1/events/${w.merchant.id}/consume-0001`, key, keyid);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ index: receipt.index, at: receipt.at });
      expect(res.body.checkpoint.size).toBeGreaterThan(receipt.index);
    }
    const other = await w.addMerchant('m-other-02', 'scale');
    expect(status(await w.f.get(`/v1/events/${w.merchant.id}/consume-0001`, other))).toEqual({ status: 403, code: 'forbidden' });
    expect(status(await w.f.get(`/v1/events/${w.merchant.id}/consume-0404`, w.merchant))).toEqual({ status: 404, code: 'not_found' });
    expect(status(await w.f.get(`/v1/events/${w.merchant.id}/consume-0001`))).toEqual({ status: 401, code: 'unauthenticated' });
  });
});

describe('rating.publish and GET /v1/merchants/{id}/rating', () => {
  test('when a regulator publishes, then the rating read carries it with an inclusion proof beside the live score', async () => {
    const before = await w.f.get(`/v1/merchants/${w.merchant.id}/rating`);
    expect(before.body).toMatchObject({ published: null, live: { stars: expect.any(Number) } });
    const receipt = await accepted(
      w.f.post(w.f.regulator, 'rating.publish', { period: '2026-11', ratings: [{ merchant: w.merchant.id, score: 88, stars: 4 }] }),
    );
    const res = await w.f.get(`/v1/merchants/${w.merchant.id}/rating`);
    expect(res.status).toBe(200);
    const { published } = res.body;
    expect(published).toMatchObject({ period: '2026-11', score: 88, stars: 4, index: receipt.index, by: w.f.regulator.id });
    expect(verifyCheckpoint(nodeSuite, published.checkpoint, ORIGIN, fromBase64Url(w.f.operator.publicKey)!)).toBeUndefined();
    const path = published.proof.path.map((h: string) => fromHex(h)!);
    expect(
      verifyInclusion(
        nodeSuite,
        receipt.index,
        published.checkpoint.size,
        fromHex(published.entry.leaf)!,
        path,
        fromHex(published.checkpoint.root)!,
      ),
    ).toBe(true);
  });

  test('when it rates an unregistered merchant, then 404 not_found; a merchant twice or a bad period, 400; not a regulator, 403', async () => {
    const post = (key: SigningKey, body: unknown) => w.f.post(key, 'rating.publish', body);
    const one = { merchant: w.merchant.id, score: 88, stars: 4 };
    const before = w.f.state();
    expect(status(await post(w.f.regulator, { period: '2026-11', ratings: [one, { ...one, merchant: 'm-nobody' }] }))).toEqual({
      status: 404,
      code: 'not_found',
    });
    expect(status(await post(w.f.regulator, { period: '2026-11', ratings: [one, one] }))).toEqual({ status: 400, code: 'invalid_event' });
    expect(status(await post(w.f.regulator, { period: '2026-13', ratings: [one] }))).toEqual({ status: 400, code: 'invalid_event' });
    expect(status(await post(w.merchant, { period: '2026-11', ratings: [one] }))).toEqual({ status: 403, code: 'forbidden' });
    expect(w.f.state()).toEqual(before);
  });
});
