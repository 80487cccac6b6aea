/** card.issue and card.topup: every rule's rejection (SPEC §6), with the ledger left unchanged. */
import { cardState, holderKey, issue, issueBody, startWorld, type World } from './helpers.js';
import { accepted, rejected } from '../helpers/outcomes.js';

let w: World;
beforeEach(async () => {
  w = await startWorld();
});
afterEach(() => w.f.close());

const dispose = (action: string) => w.f.post(w.f.regulator, 'merchant.dispose', { merchant: w.merchant.id, action, reason: 'inspection' });

describe('card.issue', () => {
  test('when the merchant is suspended from issuing, then 422 merchant_suspended', async () => {
    await accepted(dispose('suspendIssuing'));
    await rejected(w.f, issue(w.f, w.merchant, 'C-1', 10_000), 422, 'merchant_suspended');
  });

  test('when the merchant is closed, then 422 merchant_closed', async () => {
    await accepted(dispose('close'));
    await rejected(w.f, issue(w.f, w.merchant, 'C-1', 10_000), 422, 'merchant_closed');
  });

  test('when the card id is taken, even by another merchant, then 409 card_exists', async () => {
    const other = await w.addMerchant('m-spa-02', 'group');
    await accepted(issue(w.f, w.merchant, 'C-1', 10_000));
    await rejected(w.f, issue(w.f, w.merchant, 'C-1', 10_000), 409, 'card_exists');
    await rejected(w.f, issue(w.f, other, 'C-1', 10_000), 409, 'card_exists');
  });

  test('when a named card exceeds 500000 fen, then 422 cap_exceeded; at the cap it is accepted', async () => {
    await rejected(w.f, issue(w.f, w.merchant, 'C-1', 500_001), 422, 'cap_exceeded');
    await accepted(issue(w.f, w.merchant, 'C-1', 500_000));
  });

  test('when an anonymous card exceeds 100000 fen, then 422 cap_exceeded; at the cap it is accepted', async () => {
    await rejected(w.f, issue(w.f, w.merchant, 'A-1', 100_001, { kind: 'anonymous' }), 422, 'cap_exceeded');
    await accepted(issue(w.f, w.merchant, 'A-1', 100_000, { kind: 'anonymous' }));
  });

  test('when a named card has no holderRef, then 400 invalid_event', async () => {
    const { holderRef: _, ...body } = issueBody('C-1', 10_000);
    const res = await rejected(w.f, w.f.post(w.merchant, 'card.issue', body), 400, 'invalid_event');
    expect(res.body.detail).toMatch(/body\.holderRef/);
  });

  test('when an anonymous card carries a holderRef, then 400 invalid_event', async () => {
    const body = { ...issueBody('A-1', 10_000, { kind: 'anonymous' }), holderRef: 'a'.repeat(64) };
    await rejected(w.f, w.f.post(w.merchant, 'card.issue', body), 400, 'invalid_event');
  });

  test('when the body has an unknown field, a fractional amount or a bad holder key, then 400 invalid_event', async () => {
    await rejected(w.f, w.f.post(w.merchant, 'card.issue', { ...issueBody('C-1', 10_000), note: 'vip' }), 400, 'invalid_event');
    await rejected(w.f, w.f.post(w.merchant, 'card.issue', issueBody('C-1', 100.5)), 400, 'invalid_event');
    await rejected(w.f, w.f.post(w.merchant, 'card.issue', { ...issueBody('C-1', 10_000), holderKey: 'not-a-key' }), 400, 'invalid_event');
  });

  test('when a company buys 500000 fen or more other than by transfer, then 422 payment_rule', async () => {
    await rejected(w.f, issue(w.f, w.merchant, 'C-1', 500_000, { purchaser: 'company', payment: 'cash' }), 422, 'payment_rule');
    await rejected(w.f, issue(w.f, w.merchant, 'C-1', 500_000, { purchaser: 'company', payment: 'mobile' }), 422, 'payment_rule');
    await accepted(issue(w.f, w.merchant, 'C-1', 500_000, { purchaser: 'company', payment: 'transfer' }));
    await accepted(issue(w.f, w.merchant, 'C-2', 499_999, { purchaser: 'company', payment: 'cash' }));
    await accepted(issue(w.f, w.merchant, 'C-3', 500_000, { purchaser: 'person', payment: 'cash' }));
  });

  test('when a custodian tries to issue, then 403 forbidden', async () => {
    await rejected(w.f, issue(w.f, w.bank, 'C-1', 10_000), 403, 'forbidden');
  });

  test('when the holder co-signs the issue with another key, then 401 bad_signature', async () => {
    const holder = holderKey('C-1');
    const body = issueBody('C-1', 10_000, { holder });
    await rejected(w.f, w.f.post(w.merchant, 'card.issue', body, { holder: holderKey('C-1') }), 401, 'bad_signature');
    await accepted(w.f.post(w.merchant, 'card.issue', body, { holder }));
  });
});

describe('card.topup', () => {
  beforeEach(async () => {
    await accepted(issue(w.f, w.merchant, 'C-1', 400_000));
    await accepted(issue(w.f, w.merchant, 'A-1', 60_000, { kind: 'anonymous' }));
  });
  const topup = (card: string, amount: number, payment = 'mobile', key = w.merchant) =>
    w.f.post(key, 'card.topup', { card, amount, payment });

  test('when the card is unknown, then 404 card_not_found', async () => {
    await rejected(w.f, topup('C-404', 1_000), 404, 'card_not_found');
  });

  test('when another merchant tops up the card, then 403 forbidden', async () => {
    const other = await w.addMerchant('m-spa-02', 'group');
    await rejected(w.f, topup('C-1', 1_000, 'mobile', other), 403, 'forbidden');
  });

  test('when the resulting balance passes the cap, then 422 cap_exceeded; up to the cap it is accepted', async () => {
    await rejected(w.f, topup('C-1', 100_001), 422, 'cap_exceeded');
    await rejected(w.f, topup('A-1', 40_001), 422, 'cap_exceeded');
    await accepted(topup('C-1', 100_000));
    await accepted(topup('A-1', 40_000));
    expect(cardState(w.f, 'C-1')).toMatchObject({ balance: 500_000, toppedUp: 100_000 });
  });

  test('when the merchant is suspended or closed, then 422 merchant_suspended resp. merchant_closed', async () => {
    await accepted(dispose('suspendIssuing'));
    await rejected(w.f, topup('C-1', 1_000), 422, 'merchant_suspended');
    await accepted(dispose('close'));
    await rejected(w.f, topup('C-1', 1_000), 422, 'merchant_closed');
  });

  test('when a company card is topped up by 500000 fen in cash, then 422 payment_rule', async () => {
    await accepted(issue(w.f, w.merchant, 'B-1', 100_000, { purchaser: 'company', payment: 'transfer', holder: null }));
    await accepted(w.f.post(w.merchant, 'card.consume', { card: 'B-1', amount: 100_000 }));
    await rejected(w.f, topup('B-1', 500_000, 'cash'), 422, 'payment_rule');
    await accepted(topup('B-1', 500_000, 'transfer'));
  });
});
