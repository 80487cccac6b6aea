/**
 * Card views that cannot leave things out (SPEC §12): GET /v1/cards/{card}
 * proves the card's entries and its merchant's disposals complete at its
 * checkpoint, so a view that drops a consumption fails verifyCompleteness.
 */
import { nodeSuite } from '../../ledger/index.js';
import { verifyCompleteness } from '../../src/client/completeness.js';
import { checkCard } from '../../src/pages/browser/verify-card.js';
import { ORIGIN } from '../helpers/fixture.js';
import { accepted, holderKey, issue, startWorld, type World } from './helpers.js';
import { cosignView, policyFor, W1 } from '../helpers/witness.js';

let w: World;
const holder = holderKey('C-1');
beforeEach(async () => {
  w = await startWorld();
  await accepted(issue(w.f, w.merchant, 'C-1', 50_000, { holder }));
  await accepted(w.f.post(w.merchant, 'card.consume', { card: 'C-1', amount: 3_000 }, { holder }));
});
afterEach(() => w.f.close());

type View = Record<string, any>;
const anchor = () => ({ origin: ORIGIN, operatorKey: w.f.operator.publicKey });
const viewOf = async (): Promise<View> => (await w.f.get('/v1/cards/C-1', w.f.regulator).expect(200)).body;

test('when a card is read, then its view proves the card and its merchant complete', async () => {
  const view = await viewOf();
  expect(view.completeness.subjects.map((s: View) => [s.subject, s.indexes.length])).toEqual([
    ['card:C-1', 2],
    [`merchant:${w.merchant.id}`, 0],
  ]);
  expect(view.completeness.subjects[1].head).toBeNull();
  expect(verifyCompleteness(view, anchor(), nodeSuite)).toEqual({ ok: true });
  expect(checkCard(nodeSuite, anchor(), view as never, 'C-1')).toMatchObject({ ok: true, balance: 47_000 });
});

test('when a consumption is dropped and the balance restated, then the page check fails on completeness', async () => {
  const view = await viewOf();
  const consume = view.entries.find((e: View) => e.event.type === 'card.consume').index;
  view.entries = view.entries.filter((e: View) => e.index !== consume);
  view.card.balance = 50_000;
  expect(verifyCompleteness(view, anchor(), nodeSuite)).toEqual({
    ok: false,
    reason: `card:C-1: entry ${consume} is missing from the view`,
  });
  const page = checkCard(nodeSuite, anchor(), view as never, 'C-1');
  expect(page.ok).toBe(false);
  expect(page.problems).toEqual([{ code: 'completeness', detail: `card:C-1: entry ${consume} is missing from the view` }]);
  expect(page.checks.filter((c) => c.state !== 'ok').map((c) => [c.name, c.state])).toEqual([
    ['quorum', 'unavailable'],
    ['completeness', 'failed'],
  ]);
});

test('when the merchant is closed, then the closure is in the card view and dropping it fails', async () => {
  await accepted(w.f.post(w.f.regulator, 'merchant.dispose', { merchant: w.merchant.id, action: 'close', reason: '跑路' }));
  const view = await viewOf();
  expect(view.merchantEntries.map((e: View) => e.event.type)).toEqual(['merchant.dispose']);
  expect(verifyCompleteness(view, anchor(), nodeSuite)).toEqual({ ok: true });
  view.merchantEntries = [];
  view.completeness.subjects[1].indexes = [];
  view.completeness.subjects[1].head = null;
  expect(verifyCompleteness(view, anchor(), nodeSuite)).toMatchObject({
    ok: false,
    reason: expect.stringContaining(`merchant:${w.merchant.id}`),
  });
});

describe('the card check, named as the trace page names its checks', () => {
  const states = (r: ReturnType<typeof checkCard>) => Object.fromEntries(r.checks.map((c) => [c.name, c.state]));

  test('when a witness quorum is pinned, then a view cosigned on both notes passes the quorum with its time, and one without the subject cosignature fails it', async () => {
    const pinned = { ...anchor(), policy: policyFor(anchor(), 'w1') };
    const bare = checkCard(nodeSuite, pinned, (await viewOf()) as never, 'C-1');
    expect([bare.ok, states(bare).quorum]).toEqual([false, 'failed']);
    const both = checkCard(nodeSuite, pinned, cosignView(await viewOf(), 1_800_000_000) as never, 'C-1');
    expect([both.ok, states(both).quorum, both.checkpoint?.witnessed]).toEqual([true, 'ok', { w1: 1_800_000_000 }]);
    const half = checkCard(nodeSuite, pinned, cosignView(await viewOf(), 1_800_000_000, W1.seed, null) as never, 'C-1');
    expect([half.ok, states(half).quorum]).toEqual([false, 'failed']);
    expect(half.checks.find((c) => c.name === 'quorum')?.detail).toMatch(/subject note/);
  });

  test('when the checkpoint is older than one this browser accepted, then freshness fails', async () => {
    const view = await viewOf();
    const r = checkCard(nodeSuite, anchor(), view as never, 'C-1', view.checkpoint.size + 1);
    expect([r.ok, states(r).freshness]).toEqual([false, 'failed']);
  });

  test('when the stated balance is not the replayed one, then the rules check fails and the replayed balance is what is shown', async () => {
    const view = await viewOf();
    view.card.balance = 50_000;
    const r = checkCard(nodeSuite, anchor(), view as never, 'C-1');
    expect([r.ok, states(r).rules, states(r).inclusion, r.balance]).toEqual([false, 'failed', 'ok', 47_000]);
  });

  test('when the checkpoint is signed by another key, then signature fails and nothing after it is claimed', async () => {
    const r = checkCard(nodeSuite, { ...anchor(), operatorKey: holder.publicKey }, (await viewOf()) as never, 'C-1');
    expect([r.ok, r.balance]).toEqual([false, 0]);
    expect(states(r)).toEqual({
      signature: 'failed',
      quorum: 'unavailable',
      freshness: 'unavailable',
      inclusion: 'unavailable',
      completeness: 'unavailable',
      rules: 'unavailable',
    });
  });
});
