/** merchant.dispose and insurance.compensate: the disposal actions and what compensation may do (SPEC §6). */
import type { SigningKey } from '../../ledger/index.js';
import { cardState, holderKey, issue, merchantState, startWorld, type World } from './helpers.js';
import { accepted, rejected } from '../helpers/outcomes.js';

let w: World;
let holder: SigningKey;
beforeEach(async () => {
  w = await startWorld();
  holder = holderKey('C-1');
  await accepted(issue(w.f, w.merchant, 'C-1', 50_000, { holder }));
});
afterEach(() => w.f.close());

const dispose = (action: string, key: SigningKey = w.f.regulator, merchant = w.merchant.id) =>
  w.f.post(key, 'merchant.dispose', { merchant, action, reason: '多次投诉未处理' });
const compensate = (amount: number, o: { key?: SigningKey; card?: string; merchant?: string } = {}) =>
  w.f.post(o.key ?? w.insurer, 'insurance.compensate', { merchant: o.merchant ?? w.merchant.id, card: o.card ?? 'C-1', amount });

describe('merchant.dispose', () => {
  test('when anyone but a regulator disposes, then 403 forbidden', async () => {
    await rejected(w.f, dispose('close', w.merchant), 403, 'forbidden');
    await rejected(w.f, dispose('warn', w.bank), 403, 'forbidden');
  });

  test('when the merchant is unknown, then 404 not_found', async () => {
    await rejected(w.f, dispose('warn', w.f.regulator, 'm-nobody'), 404, 'not_found');
  });

  test('when a warning is given, then it is counted and the status is unchanged', async () => {
    await accepted(dispose('warn'));
    expect(merchantState(w.f, w.merchant.id)).toMatchObject({ status: 'active', warnings: 1, lastDisposal: { action: 'warn' } });
  });

  test('when a suspension is reinstated, then issuing works again; reinstating an active merchant is 400 invalid_event', async () => {
    await rejected(w.f, dispose('reinstate'), 400, 'invalid_event');
    await accepted(dispose('suspendIssuing'));
    await rejected(w.f, dispose('suspendIssuing'), 400, 'invalid_event');
    await accepted(dispose('reinstate'));
    await accepted(issue(w.f, w.merchant, 'C-2', 10_000));
  });

  test('when the merchant is closed, then reinstate, suspendIssuing and close again are 422 merchant_closed', async () => {
    await accepted(dispose('close'));
    await rejected(w.f, dispose('reinstate'), 422, 'merchant_closed');
    await rejected(w.f, dispose('suspendIssuing'), 422, 'merchant_closed');
    await rejected(w.f, dispose('close'), 422, 'merchant_closed');
    await accepted(dispose('warn'));
  });
});

describe('insurance.compensate', () => {
  test('when the merchant is not closed, then 422 merchant_not_closed', async () => {
    await rejected(w.f, compensate(1_000), 422, 'merchant_not_closed');
    await accepted(dispose('suspendIssuing'));
    await rejected(w.f, compensate(1_000), 422, 'merchant_not_closed');
  });

  describe('after the merchant is closed', () => {
    beforeEach(async () => {
      await accepted(w.f.post(w.bank, 'custody.deposit', { merchant: w.merchant.id, amount: 10_000, ref: 'r' }));
      await accepted(dispose('close'));
    });

    test('when the amount is more than the balance, then 422 insufficient_balance', async () => {
      await rejected(w.f, compensate(50_001), 422, 'insufficient_balance');
    });

    test("when an insurer other than the merchant's compensates, then 403 forbidden", async () => {
      const other = await w.f.register('insurer-02', 'insurer');
      await rejected(w.f, compensate(1_000, { key: other }), 403, 'forbidden');
    });

    test('when the card is unknown or of another merchant, then 404 card_not_found resp. 400 invalid_event', async () => {
      const other = await w.addMerchant('m-spa-02', 'group');
      await accepted(issue(w.f, other, 'S-1', 10_000));
      await rejected(w.f, compensate(1_000, { card: 'C-404' }), 404, 'card_not_found');
      await rejected(w.f, compensate(1_000, { card: 'S-1' }), 400, 'invalid_event');
    });

    test('when it compensates, then the balance and outstanding shrink and custody does not', async () => {
      await accepted(compensate(30_000));
      expect(cardState(w.f, 'C-1')).toMatchObject({ balance: 20_000, compensated: 30_000 });
      expect(merchantState(w.f, w.merchant.id)).toMatchObject({
        outstanding: 20_000,
        required: 4_000,
        custody: 10_000,
        consumedUnreleased: 0,
        refundedUnreleased: 0,
      });
    });

    test('when the merchant has no insurer, then 403 forbidden', async () => {
      const bare = await w.f.register('m-bare-03', 'merchant', { merchant: { tier: 'other', custodian: w.bank.id } });
      await accepted(issue(w.f, bare, 'B-1', 10_000));
      await accepted(dispose('close', w.f.regulator, bare.id));
      await rejected(w.f, compensate(1_000, { merchant: bare.id, card: 'B-1' }), 403, 'forbidden');
    });
  });
});
