/** Holder consent (SPEC §14, changing §6): a keyed card is issued and refunded only with its holder's agreement. */
import type { SigningKey } from '../../ledger/index.js';
import { accepted, asHolder, cardState, holderKey, issueBody, rejected, startWorld, type World } from './helpers.js';

let w: World;
let holder: SigningKey;
beforeEach(async () => {
  w = await startWorld();
  holder = holderKey('C-1');
});
afterEach(() => w.f.close());

describe('card.issue with a holder key', () => {
  test('when the holder does not co-sign, then 422 holder_signature_required', async () => {
    await rejected(w.f, w.f.post(w.merchant, 'card.issue', issueBody('C-1', 10_000, { holder })), 422, 'holder_signature_required');
  });

  test('when the merchant co-signs with a key of its own, then 401 bad_signature: it cannot issue a card to a key nobody proved', async () => {
    const body = issueBody('C-1', 10_000, { holder });
    await rejected(w.f, w.f.post(w.merchant, 'card.issue', body, { holder: holderKey('C-1') }), 401, 'bad_signature');
  });

  test('when the holder co-signs, then it is issued; an anonymous card without a key needs no one', async () => {
    await accepted(w.f.post(w.merchant, 'card.issue', issueBody('C-1', 10_000, { holder }), { holder }));
    await accepted(w.f.post(w.merchant, 'card.issue', issueBody('A-1', 10_000, { kind: 'anonymous' })));
    expect(cardState(w.f, 'C-1')).toMatchObject({ holderKey: holder.publicKey, balance: 10_000 });
  });
});

describe('card.refund of a keyed card', () => {
  beforeEach(async () => {
    await accepted(w.f.post(w.merchant, 'card.issue', issueBody('C-1', 50_000, { holder }), { holder }));
  });
  const refund = (amount: number, o: { request?: string; cosign?: boolean } = {}) =>
    w.f.post(w.merchant, 'card.refund', { card: 'C-1', amount, ...(o.request && { request: o.request }) }, o.cosign ? { holder } : {});
  const ask = (amount: number, id: string) =>
    accepted(asHolder(w.f, holder, 'C-1', 'card.refundRequest', { card: 'C-1', amount, reason: 'service' }, { id }));

  test('when neither co-signed nor asked for, then 422 holder_signature_required and the balance is untouched', async () => {
    await rejected(w.f, refund(10_000), 422, 'holder_signature_required');
    expect(cardState(w.f, 'C-1')!.balance).toBe(50_000);
  });

  test('when it answers a request for at least that amount, then no co-signature is needed', async () => {
    await ask(20_000, 'req-0000001');
    await accepted(refund(20_000, { request: 'req-0000001' }));
    expect(cardState(w.f, 'C-1')).toMatchObject({ balance: 30_000, refunded: 20_000 });
  });

  test('when it is more than the request asked for, then 422 holder_signature_required; with the co-signature it is accepted', async () => {
    await ask(5_000, 'req-0000001');
    await rejected(w.f, refund(5_001, { request: 'req-0000001' }), 422, 'holder_signature_required');
    await accepted(refund(5_001, { request: 'req-0000001', cosign: true }));
  });

  test('when installments together pass the request, then the one that passes it needs the co-signature', async () => {
    await ask(10_000, 'req-0000001');
    await accepted(refund(6_000, { request: 'req-0000001' }));
    await accepted(refund(4_000, { request: 'req-0000001' }));
    await rejected(w.f, refund(1, { request: 'req-0000001' }), 422, 'holder_signature_required');
  });

  test('when the holder co-signs, then any amount up to the balance is refunded', async () => {
    await accepted(refund(50_000, { cosign: true }));
    expect(cardState(w.f, 'C-1')).toMatchObject({ balance: 0, status: 'empty' });
  });
});
