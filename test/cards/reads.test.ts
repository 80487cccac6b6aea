/** GET /v1/cards/{card} and GET /v1/merchants/{id}: who sees what (SPEC §8). */
import type { SigningKey } from '../../ledger/index.js';
import { holderKey, issue, startWorld, type World } from './helpers.js';
import { accepted } from '../helpers/outcomes.js';

let w: World;
let holder: SigningKey;
beforeEach(async () => {
  w = await startWorld();
  holder = holderKey('C-1');
  await accepted(issue(w.f, w.merchant, 'C-1', 50_000, { holder }));
});
afterEach(() => w.f.close());

const status = async (req: PromiseLike<{ status: number; body: { code?: string } }>) => {
  const res = await req;
  return { status: res.status, code: res.body.code };
};

describe('GET /v1/cards/{card}', () => {
  test('when unsigned, then 401 unauthenticated', async () => {
    expect(await status(w.f.get('/v1/cards/C-1'))).toEqual({ status: 401, code: 'unauthenticated' });
  });

  test('when signed by a custodian, an insurer or another merchant, then 403 forbidden', async () => {
    const other = await w.addMerchant('m-spa-02', 'group');
    for (const key of [w.bank, w.insurer, other])
      expect(await status(w.f.get('/v1/cards/C-1', key))).toEqual({ status: 403, code: 'forbidden' });
  });

  test('when the card is unknown, then 404 card_not_found', async () => {
    expect(await status(w.f.get('/v1/cards/C-404', w.f.regulator))).toEqual({ status: 404, code: 'card_not_found' });
    expect(await status(w.f.get('/v1/cards/C-404', w.merchant))).toEqual({ status: 404, code: 'card_not_found' });
  });

  test('when signed by the holder with keyid card:<id>, then the card and its issue entry come back', async () => {
    const res = await w.f.get('/v1/cards/C-1', holder, 'card:C-1');
    expect(res.status).toBe(200);
    expect(res.body.card).toMatchObject({ card: 'C-1', balance: 50_000, entryCount: 1 });
    expect(res.body.entries).toHaveLength(1);
    expect(Object.keys(res.body.proofs)).toEqual([String(res.body.entries[0].index)]);
    expect(res.body.checkpoint.size).toBeGreaterThan(res.body.entries[0].index);
  });

  test('when the holder key signs for another keyid, then 401 unauthenticated', async () => {
    await accepted(issue(w.f, w.merchant, 'C-2', 10_000, { holder: holderKey('C-2') }));
    expect(await status(w.f.get('/v1/cards/C-2', holder, 'card:C-2'))).toEqual({ status: 401, code: 'unauthenticated' });
  });
});

describe('GET /v1/merchants/{id}', () => {
  const FULL_ONLY = ['outstanding', 'custody', 'required', 'consumedUnreleased', 'refundedUnreleased', 'complaintsTotal'];

  test('when unsigned or signed by another actor (not its custodian or insurer, SPEC §14), then only the public view', async () => {
    const otherBank = await w.f.register('bank-other-09', 'custodian');
    for (const key of [undefined, otherBank, holder]) {
      const res = await w.f.get(`/v1/merchants/${w.merchant.id}`, key);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['complaintsOpen', 'custodyOk', 'id', 'name', 'stars', 'status', 'tier']);
    }
  });

  test('when signed by the merchant itself or a regulator, then the full figures at top level', async () => {
    for (const key of [w.merchant, w.f.regulator]) {
      const res = await w.f.get(`/v1/merchants/${w.merchant.id}`, key);
      expect(res.status).toBe(200);
      for (const k of FULL_ONLY) expect(res.body).toHaveProperty(k);
      expect(res.body).toMatchObject({ outstanding: 50_000, required: 10_000, custody: 0, custodyOk: false });
    }
  });

  test('when a merchant has no card events yet, then it reads as active with nothing outstanding', async () => {
    await w.addMerchant('m-new-09', 'brand');
    const res = await w.f.get('/v1/merchants/m-new-09', w.f.regulator);
    expect(res.body).toMatchObject({ status: 'active', tier: 'brand', outstanding: 0, custodyOk: true, stars: 5 });
  });

  test('when the id is unknown or not a merchant, then 404 not_found', async () => {
    expect(await status(w.f.get('/v1/merchants/m-nobody'))).toEqual({ status: 404, code: 'not_found' });
    expect(await status(w.f.get(`/v1/merchants/${w.bank.id}`))).toEqual({ status: 404, code: 'not_found' });
  });

  test('when the request signature is bad, then 401 unauthenticated (not a silent public view)', async () => {
    const res = await w.f.get(`/v1/merchants/${w.merchant.id}`, holderKey('C-1'), 'card:C-1');
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'unauthenticated' });
  });
});
