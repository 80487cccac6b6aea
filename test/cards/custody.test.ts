/** custody.deposit and custody.release: permissions, backing and the custody ratio (SPEC §6). */
import type { SigningKey } from '../../ledger/index.js';
import { holderKey, issue, merchantState, startWorld, type World } from './helpers.js';
import { accepted, rejected } from '../helpers/outcomes.js';

let w: World;
beforeEach(async () => {
  w = await startWorld({ tier: 'scale' });
});
afterEach(() => w.f.close());

const deposit = (amount: number, key = w.bank, merchant = w.merchant.id) =>
  w.f.post(key, 'custody.deposit', { merchant, amount, ref: 'BANK-REF-1' });
const release = (amount: number, purpose = 'consumption', key = w.bank) =>
  w.f.post(key, 'custody.release', { merchant: w.merchant.id, amount, purpose, ref: 'BANK-REL-1' });

describe('custody.deposit', () => {
  test('when the merchant is unknown or not a merchant, then 404 not_found', async () => {
    await rejected(w.f, deposit(1_000, w.bank, 'm-nobody'), 404, 'not_found');
    await rejected(w.f, deposit(1_000, w.bank, w.insurer.id), 404, 'not_found');
  });

  test("when a custodian other than the merchant's deposits, then 403 forbidden", async () => {
    const otherBank = await w.f.register('bank-nb-02', 'custodian');
    await rejected(w.f, deposit(1_000, otherBank), 403, 'forbidden');
  });

  test('when the merchant itself posts a deposit, then 403 forbidden', async () => {
    await rejected(w.f, deposit(1_000, w.merchant), 403, 'forbidden');
  });

  test('when the deposit carries a holder co-signature, then 400 invalid_event', async () => {
    await rejected(
      w.f,
      w.f.post(w.bank, 'custody.deposit', { merchant: w.merchant.id, amount: 1, ref: 'r' }, { holder: holderKey('C-1') }),
      400,
      'invalid_event',
    );
  });
});

describe('custody.release', () => {
  let holder: SigningKey;
  beforeEach(async () => {
    holder = holderKey('C-1');
    await accepted(issue(w.f, w.merchant, 'C-1', 100_000, { holder }));
    await accepted(deposit(30_000));
    await accepted(w.f.post(w.merchant, 'card.consume', { card: 'C-1', amount: 40_000 }, { holder }));
    // outstanding 60000 → required 12000; custody 30000; consumedUnreleased 40000.
  });

  test('when the release exceeds consumption not yet released, then 422 release_unbacked, even where the ratio also fails', async () => {
    await rejected(w.f, release(40_001), 422, 'release_unbacked');
    await rejected(w.f, release(1, 'refund'), 422, 'release_unbacked');
  });

  test('when the release would leave custody below required, then 422 custody_ratio; down to required it is accepted', async () => {
    await rejected(w.f, release(18_001), 422, 'custody_ratio');
    await accepted(release(18_000));
    expect(merchantState(w.f, w.merchant.id)).toMatchObject({
      custody: 12_000,
      required: 12_000,
      consumedUnreleased: 22_000,
      releasedConsumption: 18_000,
    });
  });

  test('when refunds are released, then only against refunds not yet released', async () => {
    await accepted(w.f.post(w.merchant, 'card.refund', { card: 'C-1', amount: 10_000 }, { holder }));
    // outstanding 50000 → required 10000; refundedUnreleased 10000.
    await rejected(w.f, release(10_001, 'refund'), 422, 'release_unbacked');
    await accepted(release(10_000, 'refund'));
    expect(merchantState(w.f, w.merchant.id)).toMatchObject({ custody: 20_000, refundedUnreleased: 0, consumedUnreleased: 40_000 });
  });

  test("when a custodian other than the merchant's releases, then 403 forbidden", async () => {
    const otherBank = await w.f.register('bank-nb-02', 'custodian');
    await rejected(w.f, release(1_000, 'consumption', otherBank), 403, 'forbidden');
  });

  test('when the merchant is closed, then custody movements go on', async () => {
    await accepted(w.f.post(w.f.regulator, 'merchant.dispose', { merchant: w.merchant.id, action: 'close', reason: 'r' }));
    await accepted(deposit(1_000));
    await accepted(release(1_000));
  });
});

describe('a full-tier (安心付) merchant', () => {
  test('when a card is consumed, then exactly the consumed amount can be released', async () => {
    const full = await w.addMerchant('m-anxinfu-01', 'full');
    const holder = holderKey('F-1');
    await accepted(issue(w.f, full, 'F-1', 80_000, { holder }));
    await accepted(w.f.post(w.bank, 'custody.deposit', { merchant: full.id, amount: 80_000, ref: 'r' }));
    await accepted(w.f.post(full, 'card.consume', { card: 'F-1', amount: 25_000 }, { holder }));
    const rel = (amount: number) => w.f.post(w.bank, 'custody.release', { merchant: full.id, amount, purpose: 'consumption', ref: 'r' });
    await rejected(w.f, rel(25_001), 422, 'release_unbacked');
    await accepted(rel(25_000));
    expect(merchantState(w.f, full.id)).toMatchObject({ outstanding: 55_000, required: 55_000, custody: 55_000, consumedUnreleased: 0 });
  });
});
