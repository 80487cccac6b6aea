/**
 * Who holds a card (SPEC §14): card.transfer by the holder, card.rekey by the
 * issuing merchant or a regulator for a lost key; the new key always co-signs.
 */
import type { SigningKey } from '../../ledger/index.js';
import type { Anomaly } from '../../src/regulator/anomalies/index.js';
import {
  DAY,
  accepted,
  asHolder,
  cardState,
  holderKey,
  holderRefOf,
  issue,
  rejected,
  startWorld,
  transferCard,
  withNewHolder,
  type World,
} from './helpers.js';

let w: World;
let holder: SigningKey;
let friend: SigningKey;
beforeEach(async () => {
  w = await startWorld();
  holder = holderKey('C-1');
  friend = holderKey('C-1');
  await accepted(issue(w.f, w.merchant, 'C-1', 50_000, { holder }));
});
afterEach(() => w.f.close());

const consume = (amount: number, by: SigningKey) => w.f.post(w.merchant, 'card.consume', { card: 'C-1', amount }, { holder: by });
const rekey = (by: SigningKey, to: SigningKey, newHolder = to) =>
  w.f.postEnvelope(withNewHolder(w.f, by, 'card.rekey', { card: 'C-1', newHolderKey: to.publicKey, reason: 'phone lost' }, newHolder));

describe('card.transfer', () => {
  test('when the holder gives the card to a friend, then the friend signs from then on and the old key is refused', async () => {
    await accepted(transferCard(w.f, holder, 'C-1', friend, { newHolderRef: holderRefOf('friend') }));
    expect(cardState(w.f, 'C-1')).toMatchObject({ holderKey: friend.publicKey, holderRef: holderRefOf('friend'), balance: 50_000 });
    await rejected(w.f, consume(1_000, holder), 401, 'bad_signature');
    await accepted(consume(1_000, friend));
    await rejected(
      w.f,
      asHolder(w.f, holder, 'C-1', 'card.refundRequest', { card: 'C-1', amount: 1_000, reason: 'other' }),
      401,
      'bad_signature',
    );
    expect((await w.f.get('/v1/cards/C-1', friend, 'card:C-1')).status).toBe(200);
    expect((await w.f.get('/v1/cards/C-1', holder, 'card:C-1')).status).toBe(401);
  });

  test('when the new key does not co-sign, then 422 holder_signature_required', async () => {
    const res = asHolder(w.f, holder, 'C-1', 'card.transfer', { card: 'C-1', newHolderKey: friend.publicKey });
    await rejected(w.f, res, 422, 'holder_signature_required');
  });

  test('when cosig.newHolder is by another key than newHolderKey, then 401 bad_signature', async () => {
    const env = withNewHolder(w.f, holder, 'card.transfer', { card: 'C-1', newHolderKey: friend.publicKey }, holderKey('C-1'), {
      actor: 'card:C-1',
    });
    await rejected(w.f, w.f.postEnvelope(env), 401, 'bad_signature');
  });

  test('when the merchant posts a transfer, then 403 forbidden: only the holder gives a card away', async () => {
    const env = withNewHolder(w.f, w.merchant, 'card.transfer', { card: 'C-1', newHolderKey: friend.publicKey }, friend);
    await rejected(w.f, w.f.postEnvelope(env), 403, 'forbidden');
  });

  test('when a holder names another card, then 403 forbidden', async () => {
    const other = holderKey('C-2');
    await accepted(issue(w.f, w.merchant, 'C-2', 1_000, { holder: other }));
    const env = withNewHolder(w.f, holder, 'card.transfer', { card: 'C-2', newHolderKey: friend.publicKey }, friend, { actor: 'card:C-1' });
    await rejected(w.f, w.f.postEnvelope(env), 403, 'forbidden');
  });

  test('when cosig.newHolder rides on another event, then 400 invalid_event', async () => {
    const env = withNewHolder(w.f, w.merchant, 'card.consume', { card: 'C-1', amount: 1 }, friend);
    await rejected(w.f, w.f.postEnvelope(env), 400, 'invalid_event');
  });
});

describe('card.rekey', () => {
  const rekeyAnomaly = async (): Promise<Anomaly | undefined> => {
    const res = await w.f.get(`/v1/regulator/anomalies?rule=holder-rekey&subject=${w.merchant.id}`, w.f.regulator);
    expect(res.status).toBe(200);
    return res.body.anomalies[0];
  };

  test('when the merchant re-keys a lost card, then the new key signs and a yellow holder-rekey anomaly opens for 30 days', async () => {
    const receipt = await accepted(rekey(w.merchant, friend));
    await accepted(consume(1_000, friend));
    await rejected(w.f, consume(1_000, holder), 401, 'bad_signature');
    expect(await rekeyAnomaly()).toMatchObject({
      rule: 'holder-rekey',
      severity: 'yellow',
      subject: w.merchant.id,
      entries: [receipt.index],
    });
    w.f.clock.advance(30 * DAY);
    expect(await rekeyAnomaly()).toBeUndefined();
  });

  test('when a regulator re-keys it, then no anomaly opens', async () => {
    await accepted(rekey(w.f.regulator, friend));
    expect(await rekeyAnomaly()).toBeUndefined();
    expect(cardState(w.f, 'C-1')!.holderKey).toBe(friend.publicKey);
  });

  test('when another merchant, the holder or a custodian re-keys it, then 403 forbidden', async () => {
    await rejected(w.f, rekey(await w.addMerchant('m-other-02', 'scale'), friend), 403, 'forbidden');
    await rejected(w.f, rekey(w.bank, friend), 403, 'forbidden');
  });

  test('when the new key does not co-sign, then 422 holder_signature_required', async () => {
    await rejected(
      w.f,
      w.f.post(w.merchant, 'card.rekey', { card: 'C-1', newHolderKey: friend.publicKey, reason: 'lost' }),
      422,
      'holder_signature_required',
    );
  });

  test('when the card has no holder key, then 400 invalid_event; an unknown card is 404 card_not_found', async () => {
    await accepted(issue(w.f, w.merchant, 'A-1', 1_000, { kind: 'anonymous' }));
    const env = withNewHolder(w.f, w.merchant, 'card.rekey', { card: 'A-1', newHolderKey: friend.publicKey, reason: 'x' }, friend);
    await rejected(w.f, w.f.postEnvelope(env), 400, 'invalid_event');
    const env2 = withNewHolder(w.f, w.merchant, 'card.rekey', { card: 'C-404', newHolderKey: friend.publicKey, reason: 'x' }, friend);
    await rejected(w.f, w.f.postEnvelope(env2), 404, 'card_not_found');
  });
});
