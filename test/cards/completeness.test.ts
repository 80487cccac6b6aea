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
  expect(page.problems).toEqual([`completeness: card:C-1: entry ${consume} is missing from the view`]);
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
