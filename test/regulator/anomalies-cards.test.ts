/**
 * The prepaid-card rules of SPEC §10, on the real app: for each, a scenario that
 * triggers it, one just under the threshold, and the event or the clock that
 * closes it.
 */
import type { SigningKey } from '../../ledger/index.js';
import { newKey, type Fixture } from '../helpers/fixture.js';
import { accepted } from '../helpers/outcomes.js';
import { DAY, iso, listAnomalies, openAnomaly, postAll, startRegWorld, type RegWorld } from './anomaly-helpers.js';
import { issueBody } from '../cards/helpers.js';

let w: RegWorld;
let f: Fixture;
beforeEach(async () => {
  w = await startRegWorld();
  f = w.f;
});
afterEach(() => f.close());

describe('custody-short', () => {
  test('when custody falls below required, then yellow; below 80 % of it, red; a deposit that restores custody closes it', async () => {
    const m = await w.addMerchant('m-gym-01', 'scale');
    const issued = await accepted(f.post(m, 'card.issue', issueBody('C-1', 100_000)));
    // required = 20 % of 100000 = 20000; custody 0 < 16000 → red
    expect(await openAnomaly(f, 'custody-short', 'm-gym-01')).toMatchObject({
      id: 'custody-short:m-gym-01',
      severity: 'red',
      since: issued.at,
      detail: { custody: 0, required: 20_000, shortfall: 20_000 },
      entries: [issued.index],
    });
    await accepted(f.post(w.bank, 'custody.deposit', { merchant: 'm-gym-01', amount: 15_999, ref: 'TX-1' }));
    expect((await openAnomaly(f, 'custody-short', 'm-gym-01'))?.severity).toBe('red');
    const yellow = await accepted(f.post(w.bank, 'custody.deposit', { merchant: 'm-gym-01', amount: 1, ref: 'TX-2' }));
    // exactly 80 % is not "below 80 %": yellow, in place, since unchanged
    expect(await openAnomaly(f, 'custody-short', 'm-gym-01')).toMatchObject({
      severity: 'yellow',
      since: issued.at,
      entries: [issued.index, yellow.index],
    });
    await accepted(f.post(w.bank, 'custody.deposit', { merchant: 'm-gym-01', amount: 3_999, ref: 'TX-3' }));
    expect((await openAnomaly(f, 'custody-short', 'm-gym-01'))?.detail).toMatchObject({ custody: 19_999, shortfall: 1 });
    await accepted(f.post(w.bank, 'custody.deposit', { merchant: 'm-gym-01', amount: 1, ref: 'TX-4' }));
    expect(await openAnomaly(f, 'custody-short', 'm-gym-01')).toBeUndefined();
  });

  test('when custody is exactly the required amount, then there is none; consumption that lowers required closes an open one', async () => {
    const m = await w.addMerchant('m-gym-02', 'scale');
    await postAll(f, [
      { key: m, type: 'card.issue', body: issueBody('C-2', 100_000) },
      { key: w.bank, type: 'custody.deposit', body: { merchant: 'm-gym-02', amount: 20_000, ref: 'TX-1' } },
    ]);
    expect(await openAnomaly(f, 'custody-short', 'm-gym-02')).toBeUndefined();
    await accepted(f.post(m, 'card.topup', { card: 'C-2', amount: 10_000, payment: 'cash' }));
    expect((await openAnomaly(f, 'custody-short', 'm-gym-02'))?.severity).toBe('yellow');
    await accepted(f.post(m, 'card.consume', { card: 'C-2', amount: 10_000 }));
    expect(await openAnomaly(f, 'custody-short', 'm-gym-02')).toBeUndefined();
  });
});

describe('sales-spike', () => {
  /** `n` named cards of `amount` fen each, issued in one batch. */
  const issueMany = (m: SigningKey, prefix: string, amounts: number[]) =>
    postAll(
      f,
      amounts.map((amount, i) => ({ key: m, type: 'card.issue', body: issueBody(`${prefix}-${i}`, amount) })),
    );

  test('when a merchant under 14 days old sells 20,000,000 fen in 7 days, then red; 1 fen less, none; 7 days later it closes by the clock', async () => {
    const m = await w.addMerchant('m-new-01', 'other');
    await issueMany(m, 'A', [...Array(39).fill(500_000), 499_999]);
    expect(await openAnomaly(f, 'sales-spike', 'm-new-01')).toBeUndefined();
    const [last] = await issueMany(m, 'B', [1]);
    const spike = await openAnomaly(f, 'sales-spike', 'm-new-01');
    expect(spike).toMatchObject({
      severity: 'red',
      since: f.ledger.entry(last)!.at,
      detail: { last7Days: 20_000_000, young: true, thresholdFen: 20_000_000 },
    });
    expect(spike!.entries).toContain(last);
    f.clock.advance(6 * DAY);
    expect(await openAnomaly(f, 'sales-spike', 'm-new-01')).toBeDefined();
    f.clock.advance(1 * DAY);
    expect(await openAnomaly(f, 'sales-spike', 'm-new-01')).toBeUndefined();
  });

  test('when an established merchant sells more than 3 × its weekly average and ≥ 5,000,000 fen in 7 days, then red; exactly 3 ×, none', async () => {
    const m = await w.addMerchant('m-old-01', 'other');
    // Day 0: 4,000,000 fen. Day 20: baseline = CST days 0..13 = 14 days → weekly average 2,000,000; 3 × = 6,000,000.
    await issueMany(m, 'A', Array(8).fill(500_000));
    f.clock.advance(20 * DAY);
    await issueMany(m, 'B', Array(12).fill(500_000));
    expect(await openAnomaly(f, 'sales-spike', 'm-old-01')).toBeUndefined();
    const [last] = await issueMany(m, 'C', [1]);
    expect(await openAnomaly(f, 'sales-spike', 'm-old-01')).toMatchObject({
      severity: 'red',
      since: f.ledger.entry(last)!.at,
      detail: { last7Days: 6_000_001, weeklyAverage: 2_000_000, baselineDays: 14, young: false },
    });
  });

  test('when an established merchant triples its sales but stays under 5,000,000 fen, then none', async () => {
    const m = await w.addMerchant('m-old-02', 'other');
    await issueMany(m, 'A', [100_000]);
    f.clock.advance(30 * DAY);
    await issueMany(m, 'B', [...Array(9).fill(500_000), 499_999]);
    expect(await openAnomaly(f, 'sales-spike', 'm-old-02')).toBeUndefined();
    await issueMany(m, 'C', [1]);
    expect((await openAnomaly(f, 'sales-spike', 'm-old-02'))?.severity).toBe('red');
  });
});

describe('complaint-surge', () => {
  const file = (merchant: string, n: number, category = 'service') =>
    postAll(
      f,
      Array.from({ length: n }, (_, i) => ({
        key: f.regulator,
        type: 'complaint.file',
        body: { complaint: `CP-${merchant}-${category}-${f.clock.ms}-${i}`, merchant, category, summary: '课程取消' },
      })),
    );

  test('when 5 complaints are filed within 7 days, then red; 4, none; when the first leaves the window, it closes by the clock', async () => {
    await w.addMerchant('m-gym-03', 'scale');
    await file('m-gym-03', 1);
    f.clock.advance(2 * DAY);
    await file('m-gym-03', 3);
    expect(await openAnomaly(f, 'complaint-surge', 'm-gym-03')).toBeUndefined();
    f.clock.advance(DAY);
    const [fifth] = await file('m-gym-03', 1);
    expect(await openAnomaly(f, 'complaint-surge', 'm-gym-03')).toMatchObject({
      severity: 'red',
      since: f.ledger.entry(fifth)!.at,
      detail: { filedLast7Days: 5, surge: true },
    });
    f.clock.advance(4 * DAY - 1); // 7 days after the first filing, less 1 ms
    expect(await openAnomaly(f, 'complaint-surge', 'm-gym-03')).toBeDefined();
    f.clock.advance(1);
    expect(await openAnomaly(f, 'complaint-surge', 'm-gym-03')).toBeUndefined();
  });

  test('when a closure complaint is open, then red; resolving it closes it', async () => {
    const m = await w.addMerchant('m-gym-04', 'scale');
    await file('m-gym-04', 1, 'service');
    expect(await openAnomaly(f, 'complaint-surge', 'm-gym-04')).toBeUndefined();
    const [filed] = await file('m-gym-04', 1, 'closure');
    const open = await openAnomaly(f, 'complaint-surge', 'm-gym-04');
    expect(open).toMatchObject({ severity: 'red', detail: { surge: false }, entries: [filed] });
    const complaint = (open!.detail.openClosureComplaints as string[])[0];
    await accepted(f.post(m, 'complaint.resolve', { complaint, outcome: 'mediated' }));
    expect(await openAnomaly(f, 'complaint-surge', 'm-gym-04')).toBeUndefined();
  });
});

describe('complaint-overdue', () => {
  test('when a complaint is open for exactly 7 days, then none; 1 ms more, yellow; resolving it closes it', async () => {
    const m = await w.addMerchant('m-gym-05', 'scale');
    const filed = await accepted(
      f.post(f.regulator, 'complaint.file', { complaint: 'CP-1', merchant: 'm-gym-05', category: 'service', summary: '退费难' }),
    );
    f.clock.advance(7 * DAY);
    expect(await openAnomaly(f, 'complaint-overdue', 'm-gym-05')).toBeUndefined();
    f.clock.advance(1);
    expect(await openAnomaly(f, 'complaint-overdue', 'm-gym-05')).toMatchObject({
      severity: 'yellow',
      since: iso(Date.parse(filed.at) + 7 * DAY + 1),
      detail: { overdue: 1, oldest: 'CP-1' },
      entries: [filed.index],
    });
    // An unrelated entry materializes it in state with the same since.
    await accepted(
      f.post(f.regulator, 'complaint.file', { complaint: 'CP-2', merchant: 'm-gym-05', category: 'service', summary: '退费难' }),
    );
    expect((await openAnomaly(f, 'complaint-overdue', 'm-gym-05'))?.since).toBe(iso(Date.parse(filed.at) + 7 * DAY + 1));
    await accepted(f.post(m, 'complaint.resolve', { complaint: 'CP-1', outcome: 'upheld' }));
    expect(await openAnomaly(f, 'complaint-overdue', 'm-gym-05')).toBeUndefined();
  });
});

describe('refund-overdue', () => {
  const request = (card: string) =>
    f.post(newKeyFor(card), 'card.refundRequest', { card, amount: 1_000, reason: 'service' }, { actor: `card:${card}` });
  const holders = new Map<string, SigningKey>();
  const newKeyFor = (card: string) => holders.get(card) ?? holders.set(card, newKey(`card:${card}`)).get(card)!;
  const issueCards = (m: SigningKey, cards: string[]) =>
    postAll(
      f,
      cards.map((c) => ({ key: m, type: 'card.issue', body: issueBody(c, 50_000, { holder: newKeyFor(c) }), holder: newKeyFor(c) })),
    );

  test('when a refund request is unanswered for exactly 5 days, then none; 1 ms more, yellow; a late refund closes it', async () => {
    const m = await w.addMerchant('m-gym-06', 'other');
    await issueCards(m, ['R-1']);
    const req = await accepted(request('R-1'));
    f.clock.advance(5 * DAY);
    expect(await openAnomaly(f, 'refund-overdue', 'm-gym-06')).toBeUndefined();
    f.clock.advance(1);
    expect(await openAnomaly(f, 'refund-overdue', 'm-gym-06')).toMatchObject({
      severity: 'yellow',
      since: iso(Date.parse(req.at) + 5 * DAY + 1),
      detail: { unanswered: 1, overdueLast30Days: 1, oldestCard: 'R-1' },
      entries: [req.index],
    });
    await accepted(f.post(m, 'card.refund', { card: 'R-1', amount: 1_000 }, { holder: newKeyFor('R-1') }));
    expect(await openAnomaly(f, 'refund-overdue', 'm-gym-06')).toBeUndefined();
  });

  test('when a refund of the card comes within 5 days, then none ever', async () => {
    const m = await w.addMerchant('m-gym-07', 'other');
    await issueCards(m, ['R-2']);
    await accepted(request('R-2'));
    f.clock.advance(5 * DAY);
    await accepted(f.post(m, 'card.refund', { card: 'R-2', amount: 1_000 }, { holder: newKeyFor('R-2') }));
    f.clock.advance(DAY);
    expect(await openAnomaly(f, 'refund-overdue', 'm-gym-07')).toBeUndefined();
  });

  test('when 3 requests in 30 days go overdue, then red (2: yellow); answered late they keep it red until 30 days after the requests', async () => {
    const m = await w.addMerchant('m-gym-08', 'other');
    await issueCards(m, ['R-3', 'R-4', 'R-5']);
    await accepted(request('R-3'));
    await accepted(request('R-4'));
    f.clock.advance(DAY);
    await accepted(request('R-5'));
    f.clock.advance(4 * DAY + 1);
    expect((await openAnomaly(f, 'refund-overdue', 'm-gym-08'))?.severity).toBe('yellow');
    f.clock.advance(DAY);
    const red = await openAnomaly(f, 'refund-overdue', 'm-gym-08');
    expect(red).toMatchObject({ severity: 'red', detail: { unanswered: 3, overdueLast30Days: 3 } });
    for (const card of ['R-3', 'R-4', 'R-5'])
      await accepted(f.post(m, 'card.refund', { card, amount: 1_000 }, { holder: newKeyFor(card) }));
    expect(await openAnomaly(f, 'refund-overdue', 'm-gym-08')).toMatchObject({
      severity: 'red',
      since: red!.since,
      detail: { unanswered: 0 },
    });
    f.clock.advance(24 * DAY - 2); // now: 30 days after the first two requests, less 1 ms
    expect((await openAnomaly(f, 'refund-overdue', 'm-gym-08'))?.severity).toBe('red');
    f.clock.advance(1);
    expect(await openAnomaly(f, 'refund-overdue', 'm-gym-08')).toBeUndefined();
    expect((await listAnomalies(f, '?subject=m-gym-08')).anomalies).toEqual([]);
  });
});
