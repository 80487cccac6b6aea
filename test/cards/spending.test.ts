/** card.consume, card.refundRequest and card.refund: every rule's rejection (SPEC §6), with the ledger left unchanged. */
import type { SigningKey } from '../../ledger/index.js';
import { asHolder, cardState, DAY, holderKey, issue, startWorld, type World } from './helpers.js';
import { accepted, rejected } from '../helpers/outcomes.js';

let w: World;
let holder: SigningKey;
beforeEach(async () => {
  w = await startWorld();
  holder = holderKey('C-1');
  await accepted(issue(w.f, w.merchant, 'C-1', 50_000, { holder }));
});
afterEach(() => w.f.close());

const consume = (amount: number, o: { holder?: SigningKey; key?: SigningKey; card?: string } = {}) =>
  w.f.post(o.key ?? w.merchant, 'card.consume', { card: o.card ?? 'C-1', amount }, { holder: o.holder });

describe('card.consume', () => {
  test('when the card is unknown, then 404 card_not_found', async () => {
    await rejected(w.f, consume(1_000, { card: 'C-404', holder }), 404, 'card_not_found');
  });

  test('when another merchant charges the card, then 403 forbidden', async () => {
    const other = await w.addMerchant('m-spa-02', 'group');
    await rejected(w.f, consume(1_000, { key: other, holder }), 403, 'forbidden');
  });

  test('when the holder did not co-sign a card with a holder key, then 422 holder_signature_required', async () => {
    await rejected(w.f, consume(1_000), 422, 'holder_signature_required');
  });

  test('when the co-signature is by another key, then 401 bad_signature', async () => {
    await rejected(w.f, consume(1_000, { holder: holderKey('C-1') }), 401, 'bad_signature');
  });

  test('when the amount is more than the balance, then 422 insufficient_balance; the whole balance is fine', async () => {
    await rejected(w.f, consume(50_001, { holder }), 422, 'insufficient_balance');
    await accepted(consume(50_000, { holder }));
    expect(cardState(w.f, 'C-1')).toMatchObject({ balance: 0, status: 'empty' });
    await rejected(w.f, consume(1, { holder }), 422, 'insufficient_balance');
  });

  test('when the merchant is closed, then 422 merchant_closed; a suspension does not stop consumption', async () => {
    await accepted(w.f.post(w.f.regulator, 'merchant.dispose', { merchant: w.merchant.id, action: 'suspendIssuing', reason: 'r' }));
    await accepted(consume(1_000, { holder }));
    await accepted(w.f.post(w.f.regulator, 'merchant.dispose', { merchant: w.merchant.id, action: 'close', reason: 'r' }));
    await rejected(w.f, consume(1_000, { holder }), 422, 'merchant_closed');
  });

  test('when a card without a holder key is charged, then no co-signature is needed and one cannot be checked', async () => {
    await accepted(issue(w.f, w.merchant, 'A-1', 10_000, { kind: 'anonymous' }));
    await accepted(consume(1_000, { card: 'A-1' }));
    await rejected(w.f, consume(1_000, { card: 'A-1', holder }), 400, 'invalid_event');
  });
});

describe('card.refundRequest', () => {
  const request = (amount: number, reason = 'coolingOff', key = holder, card = 'C-1') =>
    asHolder(w.f, key, card, 'card.refundRequest', { card, amount, reason });

  test('when exactly 7 × 24 h have passed since issuance, then a cooling-off request is accepted; 1 ms later it is expired', async () => {
    const other = holderKey('C-2');
    await accepted(issue(w.f, w.merchant, 'C-2', 50_000, { holder: other }));
    w.f.clock.advance(7 * DAY);
    await accepted(request(1_000, 'coolingOff'));
    w.f.clock.advance(1);
    await rejected(w.f, request(1_000, 'coolingOff', other, 'C-2'), 422, 'cooling_off_expired');
    await accepted(request(1_000, 'service', other, 'C-2'));
  });

  test('when the amount is more than the balance, then 422 insufficient_balance', async () => {
    await rejected(w.f, request(50_001), 422, 'insufficient_balance');
  });

  test('when a holder asks about another card, then 403 forbidden', async () => {
    await accepted(issue(w.f, w.merchant, 'C-2', 10_000, { holder: holderKey('C-2') }));
    await rejected(
      w.f,
      asHolder(w.f, holder, 'C-1', 'card.refundRequest', { card: 'C-2', amount: 1_000, reason: 'other' }),
      403,
      'forbidden',
    );
  });

  test('when the merchant posts it, then 403 forbidden (only the holder may)', async () => {
    await rejected(w.f, w.f.post(w.merchant, 'card.refundRequest', { card: 'C-1', amount: 1_000, reason: 'other' }), 403, 'forbidden');
  });

  test('when the card has no holder key, then its holder cannot sign: 401 unknown_actor', async () => {
    await accepted(issue(w.f, w.merchant, 'A-1', 10_000, { kind: 'anonymous' }));
    await rejected(w.f, request(1_000, 'other', holderKey('A-1'), 'A-1'), 401, 'unknown_actor');
  });

  test('when the request is signed with another key, then 401 bad_signature', async () => {
    await rejected(w.f, request(1_000, 'other', holderKey('C-1')), 401, 'bad_signature');
  });

  test('when the merchant is closed, then a closure refund request is still accepted', async () => {
    await accepted(w.f.post(w.f.regulator, 'merchant.dispose', { merchant: w.merchant.id, action: 'close', reason: 'r' }));
    await accepted(request(50_000, 'closure'));
  });
});

describe('card.refund', () => {
  const refund = (amount: number, o: { key?: SigningKey; card?: string; request?: string; holder?: SigningKey } = {}) =>
    w.f.post(
      o.key ?? w.merchant,
      'card.refund',
      { card: o.card ?? 'C-1', amount, ...(o.request && { request: o.request }) },
      o.holder ? { holder: o.holder } : {},
    );

  test('when the card is unknown, then 404 card_not_found', async () => {
    await rejected(w.f, refund(1_000, { card: 'C-404' }), 404, 'card_not_found');
  });

  test('when another merchant refunds, then 403 forbidden', async () => {
    await rejected(w.f, refund(1_000, { key: await w.addMerchant('m-spa-02', 'group') }), 403, 'forbidden');
  });

  test('when the amount is more than the balance, then 422 insufficient_balance', async () => {
    await rejected(w.f, refund(50_001), 422, 'insufficient_balance');
  });

  test('when it names a refund request the card never had, then 400 invalid_event; the real one is accepted', async () => {
    await accepted(
      asHolder(w.f, holder, 'C-1', 'card.refundRequest', { card: 'C-1', amount: 5_000, reason: 'service' }, { id: 'req-0000001' }),
    );
    await rejected(w.f, refund(5_000, { request: 'req-0000404' }), 400, 'invalid_event');
    await accepted(refund(5_000, { request: 'req-0000001' }));
    expect(w.f.ledger.get('card-request/C-1/req-0000001')).toMatchObject({ amount: 5_000, refunded: 5_000 });
  });

  test('when the merchant is closed, then refunds go on', async () => {
    await accepted(w.f.post(w.f.regulator, 'merchant.dispose', { merchant: w.merchant.id, action: 'close', reason: 'r' }));
    await accepted(refund(50_000, { holder }));
    expect(cardState(w.f, 'C-1')).toMatchObject({ balance: 0, refunded: 50_000 });
  });
});
