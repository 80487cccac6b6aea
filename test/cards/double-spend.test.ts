/** No double spend: concurrent consumption against one card is serialized by the ledger's transactions. */
import { cardState, holderKey, issue, merchantState, startWorld, type World } from './helpers.js';
import { accepted } from '../helpers/outcomes.js';

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(() => w.f.close());

test('when 100 co-signed card.consume requests race against a card that can afford 50, then exactly 50 succeed and the balance ends at 0', async () => {
  const holder = holderKey('C-RACE');
  await accepted(issue(w.f, w.merchant, 'C-RACE', 500_000, { holder }));
  const before = w.f.ledger.size;

  const responses = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      w.f.post(w.merchant, 'card.consume', { card: 'C-RACE', amount: 10_000, order: `race-${i}` }, { holder }),
    ),
  );

  const statuses = responses.map((r) => r.status);
  expect(statuses.filter((s) => s === 201)).toHaveLength(50);
  const refused = responses.filter((r) => r.status !== 201);
  expect(refused).toHaveLength(50);
  for (const r of refused) expect({ status: r.status, code: r.body.code }).toEqual({ status: 422, code: 'insufficient_balance' });
  expect(new Set(responses.filter((r) => r.status === 201).map((r) => r.body.index)).size).toBe(50);
  expect(w.f.ledger.size).toBe(before + 50);
  expect(cardState(w.f, 'C-RACE')).toMatchObject({ balance: 0, consumed: 500_000, entryCount: 51 });
  expect(merchantState(w.f, w.merchant.id)).toMatchObject({ outstanding: 0, consumedUnreleased: 500_000 });
});
