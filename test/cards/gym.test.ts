/**
 * The life of a gym's prepaid cards, from issuance to the insurer paying out
 * after the regulator closes it (SPEC §6). The steps run in order and share the
 * ledger, like the real thing.
 */
import { fromBase64Url, fromHex, nodeSuite, verifyCheckpoint, verifyInclusion, verifyLog, type SigningKey } from '../../ledger/index.js';
import { Catalogue } from '../../src/domain/catalogue.js';
import { domainReplay } from '../../src/domain/replay.js';
import { DOMAINS } from '../../src/plugins.js';
import { ORIGIN, type Fixture } from '../helpers/fixture.js';
import { asHolder, cardState, DAY, holderKey, issue, merchantState, startWorld } from './helpers.js';
import { accepted, rejected } from '../helpers/outcomes.js';

const GYM = 'm-hangzhou-gym-01';
let f: Fixture;
let gym: SigningKey;
let bank: SigningKey;
let insurer: SigningKey;
const li = holderKey('C-0001');
const wang = holderKey('C-0002');
const zhao = holderKey('C-0003');

beforeAll(async () => {
  ({ f, merchant: gym, bank, insurer } = await startWorld({ merchant: GYM, tier: 'scale' }));
});
afterAll(() => f.close());

describe('a scale-tier gym with a custodian bank', () => {
  test('when it issues three named cards with holder keys, then its outstanding balance and required custody (20 %) follow', async () => {
    await accepted(issue(f, gym, 'C-0001', 200_000, { holder: li }));
    await accepted(issue(f, gym, 'C-0002', 300_000, { holder: wang }));
    await accepted(issue(f, gym, 'C-0003', 100_000, { holder: zhao }));
    expect(cardState(f, 'C-0001')).toMatchObject({
      merchant: GYM,
      kind: 'named',
      holderKey: li.publicKey,
      balance: 200_000,
      issued: 200_000,
      status: 'active',
    });
    expect(merchantState(f, GYM)).toMatchObject({ outstanding: 600_000, required: 120_000, custody: 0, status: 'active' });
  });

  test('when custody is still short, then the public merchant view says custodyOk false', async () => {
    const res = await f.get(`/v1/merchants/${GYM}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: GYM,
      name: `merchant ${GYM}`,
      tier: 'scale',
      status: 'active',
      stars: expect.any(Number),
      custodyOk: false,
      complaintsOpen: 0,
    });
  });

  test('when the bank deposits the required 20 %, then custody is met and the gym has at least 4 stars', async () => {
    await accepted(f.post(bank, 'custody.deposit', { merchant: GYM, amount: 120_000, ref: 'ICBC-20261122-0001' }));
    const res = await f.get(`/v1/merchants/${GYM}`);
    expect(res.body).toMatchObject({ custodyOk: true, complaintsOpen: 0 });
    expect(res.body.stars).toBeGreaterThanOrEqual(4);
  });

  test('when a member trains and co-signs the consumption, then the card and the unreleased consumption follow', async () => {
    await accepted(f.post(gym, 'card.consume', { card: 'C-0001', amount: 20_000, order: 'class-spin-0915' }, { holder: li }));
    expect(cardState(f, 'C-0001')).toMatchObject({ balance: 180_000, consumed: 20_000 });
    expect(merchantState(f, GYM)).toMatchObject({ outstanding: 580_000, required: 116_000, consumedUnreleased: 20_000 });
  });

  test('when the gym tries to charge without the member co-signing, then it is refused', async () => {
    await rejected(f, f.post(gym, 'card.consume', { card: 'C-0001', amount: 20_000 }), 422, 'holder_signature_required');
  });

  test('when the bank releases what consumption freed, then it may release down to required and not a fen further', async () => {
    await accepted(f.post(bank, 'custody.release', { merchant: GYM, amount: 4_000, purpose: 'consumption', ref: 'ICBC-REL-0001' }));
    expect(merchantState(f, GYM)).toMatchObject({ custody: 116_000, required: 116_000, consumedUnreleased: 16_000 });
    await rejected(
      f,
      f.post(bank, 'custody.release', { merchant: GYM, amount: 1, purpose: 'consumption', ref: 'ICBC-REL-0002' }),
      422,
      'custody_ratio',
    );
  });

  test('when a member asks for a cooling-off refund on day 3, then it is accepted and the gym refunds it', async () => {
    f.clock.advance(3 * DAY);
    const req = await accepted(
      asHolder(
        f,
        wang,
        'C-0002',
        'card.refundRequest',
        { card: 'C-0002', amount: 300_000, reason: 'coolingOff' },
        { id: 'refund-req-wang-1' },
      ),
    );
    expect(req.index).toBeGreaterThan(0);
    await accepted(f.post(gym, 'card.refund', { card: 'C-0002', amount: 300_000, request: 'refund-req-wang-1' }));
    expect(cardState(f, 'C-0002')).toMatchObject({ balance: 0, refunded: 300_000, status: 'empty' });
    expect(merchantState(f, GYM)).toMatchObject({ outstanding: 280_000, required: 56_000, refundedUnreleased: 300_000 });
  });

  test('when another member asks for a cooling-off refund on day 8, then it is refused as expired', async () => {
    f.clock.advance(5 * DAY);
    await rejected(
      f,
      asHolder(f, zhao, 'C-0003', 'card.refundRequest', { card: 'C-0003', amount: 50_000, reason: 'coolingOff' }),
      422,
      'cooling_off_expired',
    );
  });

  test('when that member files a complaint and the gym resolves it, then the open count goes up and back down', async () => {
    await accepted(
      asHolder(f, zhao, 'C-0003', 'complaint.file', {
        complaint: 'CMP-2026-0001',
        merchant: GYM,
        card: 'C-0003',
        category: 'refund',
        summary: 'Asked for a refund after the coach left; the front desk refused.',
      }),
    );
    expect((await f.get(`/v1/merchants/${GYM}`)).body).toMatchObject({ complaintsOpen: 1 });
    await accepted(f.post(gym, 'complaint.resolve', { complaint: 'CMP-2026-0001', outcome: 'mediated', refund: 30_000 }));
    // Holder consent (SPEC §14): the member co-signs the refund the gym agreed to.
    await rejected(f, f.post(gym, 'card.refund', { card: 'C-0003', amount: 30_000 }), 422, 'holder_signature_required');
    await accepted(f.post(gym, 'card.refund', { card: 'C-0003', amount: 30_000 }, { holder: zhao }));
    expect(merchantState(f, GYM)).toMatchObject({ complaintsOpen: 0, complaintsTotal: 1, outstanding: 250_000 });
  });

  test('when the regulator suspends issuing, then new cards and top-ups are refused but members still train', async () => {
    await accepted(f.post(f.regulator, 'merchant.dispose', { merchant: GYM, action: 'suspendIssuing', reason: 'custody audit pending' }));
    await rejected(f, issue(f, gym, 'C-0004', 100_000, { holder: holderKey('C-0004') }), 422, 'merchant_suspended');
    await rejected(f, f.post(gym, 'card.topup', { card: 'C-0001', amount: 10_000, payment: 'mobile' }), 422, 'merchant_suspended');
    await accepted(f.post(gym, 'card.consume', { card: 'C-0001', amount: 10_000 }, { holder: li }));
    expect((await f.get(`/v1/merchants/${GYM}`)).body).toMatchObject({ status: 'suspendedIssuing', stars: 1 });
  });

  test('when the regulator closes the gym, then consumption stops and the closure cannot be undone', async () => {
    await accepted(f.post(f.regulator, 'merchant.dispose', { merchant: GYM, action: 'close', reason: 'owner absconded' }));
    await rejected(f, f.post(gym, 'card.consume', { card: 'C-0001', amount: 1_000 }, { holder: li }), 422, 'merchant_closed');
    await rejected(
      f,
      f.post(f.regulator, 'merchant.dispose', { merchant: GYM, action: 'reinstate', reason: 'appeal' }),
      422,
      'merchant_closed',
    );
  });

  test('when the insurer compensates the remaining balances, then every card is empty and custody is untouched', async () => {
    const custody = merchantState(f, GYM)!.custody;
    for (const card of ['C-0001', 'C-0003']) {
      const { balance } = cardState(f, card)!;
      await accepted(f.post(insurer, 'insurance.compensate', { merchant: GYM, card, amount: balance }));
      expect(cardState(f, card)).toMatchObject({ balance: 0, compensated: balance, status: 'empty' });
    }
    expect(merchantState(f, GYM)).toMatchObject({ outstanding: 0, required: 0, custody, compensated: 170_000 + 70_000 });
  });

  test('when a member reads their card, then every entry comes with a proof against one signed checkpoint', async () => {
    const res = await f.get('/v1/cards/C-0001', li);
    expect(res.status).toBe(200);
    const { card, entries, checkpoint, proofs } = res.body;
    expect(card).toMatchObject({ card: 'C-0001', balance: 0, issued: 200_000, consumed: 30_000, compensated: 170_000 });
    expect(entries.map((e: { event: { type: string } }) => e.event.type)).toEqual([
      'card.issue',
      'card.consume',
      'card.consume',
      'insurance.compensate',
    ]);
    expect(verifyCheckpoint(nodeSuite, checkpoint, ORIGIN, fromBase64Url(f.operator.publicKey)!)).toBeUndefined();
    for (const e of entries) {
      const path = proofs[String(e.index)].map((h: string) => fromHex(h)!);
      expect(verifyInclusion(nodeSuite, e.index, checkpoint.size, fromHex(e.leaf)!, path, fromHex(checkpoint.root)!)).toBe(true);
    }
  });

  test('when someone else reads that card, then the gym and the regulator may and another member may not', async () => {
    expect((await f.get('/v1/cards/C-0001', gym)).status).toBe(200);
    expect((await f.get('/v1/cards/C-0001', f.regulator)).status).toBe(200);
    const other = await f.get('/v1/cards/C-0001', zhao);
    expect({ status: other.status, code: other.body.code }).toEqual({ status: 403, code: 'forbidden' });
  });

  test('when a regulator verifies the whole log, replaying every card rule, then it is clean', async () => {
    const entries = Array.from({ length: f.ledger.size }, (_, i) => f.ledger.entry(i)!);
    const report = await verifyLog(entries, {
      origin: ORIGIN,
      operatorKey: f.operator.publicKey,
      hook: domainReplay(new Catalogue(DOMAINS), { maxSkewS: 600 }),
      threads: 1,
    });
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
