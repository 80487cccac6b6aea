/** The published merchant score and its caps (SPEC §10, docs/RATING.md), at every boundary. Pure. */
import { rate, scoreParts, starsFromScore, type RatingInputs } from '../../src/regulator/rating.js';

const NOW = Date.parse('2026-11-22T08:00:00.000Z');
const DAY = 24 * 3600 * 1000;
/** An established merchant in good standing: 100 points. */
const good: RatingInputs = {
  status: 'active',
  actorSuspended: false,
  custody: 100_000,
  required: 100_000,
  complaintsOpen: 0,
  warnings: 0,
  firstIssueAt: NOW - 90 * DAY,
  nowMs: NOW,
  anomalies: [],
};
const w = (o: Partial<RatingInputs>): RatingInputs => ({ ...good, ...o });

describe('score → stars', () => {
  test.each([
    [100, 5],
    [90, 5],
    [89, 4],
    [75, 4],
    [74, 3],
    [60, 3],
    [59, 2],
    [40, 2],
    [39, 1],
    [0, 1],
  ])('when the score is %i, then %i stars', (score, stars) => {
    expect(starsFromScore(score)).toBe(stars);
  });
});

describe('the parts of the score', () => {
  test('when the merchant is in good standing and established, then 100 = 35 + 20 + 20 + 15 + 10', () => {
    expect(rate(good)).toEqual({
      score: 100,
      stars: 5,
      parts: { fundSafety: 35, refunds: 20, complaints: 20, compliance: 15, stability: 10 },
    });
  });

  test.each([
    [100_000, 100_000, 35],
    [100_001, 100_000, 35],
    [0, 0, 35],
    [99_999, 100_000, 24],
    [80_000, 100_000, 20],
    [79_999, 100_000, 19],
    [4_000, 100_000, 1],
    [3_999, 100_000, 0],
    [0, 100_000, 0],
  ])('fund safety: when custody is %i of %i required, then %i points', (custody, required, points) => {
    expect(scoreParts(w({ custody, required })).fundSafety).toBe(points);
  });

  test('fund safety is exact beyond 2^53 (25 × custody)', () => {
    expect(scoreParts(w({ custody: Number.MAX_SAFE_INTEGER - 1, required: Number.MAX_SAFE_INTEGER })).fundSafety).toBe(24);
  });

  test.each([
    [undefined, 20],
    ['yellow', 10],
    ['red', 0],
  ] as const)('refunds: when refund-overdue is %s, then %i points', (severity, points) => {
    expect(scoreParts(w({ anomalies: severity ? [{ rule: 'refund-overdue', severity }] : [] })).refunds).toBe(points);
  });

  test.each([
    [0, false, false, 20],
    [1, false, false, 16],
    [4, false, false, 4],
    [5, false, false, 0],
    [9, false, false, 0],
    [1, true, false, 8],
    [3, true, false, 0],
    [0, false, true, 0],
  ])('complaints: when %i are open, overdue %s, surge %s, then %i points', (complaintsOpen, overdue, surge, points) => {
    const anomalies = [
      ...(overdue ? [{ rule: 'complaint-overdue' as const, severity: 'yellow' as const }] : []),
      ...(surge ? [{ rule: 'complaint-surge' as const, severity: 'red' as const }] : []),
    ];
    expect(scoreParts(w({ complaintsOpen, anomalies })).complaints).toBe(points);
  });

  test.each([
    [0, 15],
    [1, 10],
    [2, 5],
    [3, 0],
    [7, 0],
  ])('compliance: when %i warnings were given, then %i points', (warnings, points) => {
    expect(scoreParts(w({ warnings })).compliance).toBe(points);
  });

  test.each([
    [90 * DAY, false, 10],
    [90 * DAY - 1, false, 5],
    [undefined, false, 5],
    [400 * DAY, true, 0],
  ])('stability: when the first issue was %s ms ago (sales-spike %s), then %i points', (age, spike, points) => {
    const anomalies = spike ? [{ rule: 'sales-spike' as const, severity: 'red' as const }] : [];
    expect(scoreParts(w({ firstIssueAt: age === undefined ? undefined : NOW - age, anomalies })).stability).toBe(points);
  });
});

describe('the guarantees', () => {
  test('when the merchant is closed or suspended from issuing (or its actor is suspended), then 1 star, even with perfect figures', () => {
    expect(rate(w({ status: 'closed' })).stars).toBe(1);
    expect(rate(w({ status: 'suspendedIssuing' })).stars).toBe(1);
    expect(rate(w({ actorSuspended: true })).stars).toBe(1);
  });

  test('when any red anomaly is open, then at most 2 stars, whatever the score', () => {
    const r = rate(w({ anomalies: [{ rule: 'refund-overdue', severity: 'red' }] }));
    expect(r.score).toBe(80);
    expect(r.stars).toBe(2);
    expect(
      rate(w({ custody: 0, required: 100_000, complaintsOpen: 5, warnings: 3, anomalies: [{ rule: 'custody-short', severity: 'red' }] }))
        .stars,
    ).toBe(1);
  });

  test('when a yellow anomaly is open, then the score decides (no cap): 99 % custody is 89 points and 4 stars', () => {
    const r = rate(w({ custody: 99_000, anomalies: [{ rule: 'custody-short', severity: 'yellow' }] }));
    expect(r).toMatchObject({ score: 89, stars: 4 });
  });

  test('when custody meets required, no complaint and no anomaly is open, then at least 4 stars, however new and however warned', () => {
    const r = rate(w({ firstIssueAt: undefined, warnings: 5 }));
    expect(r.score).toBe(80);
    expect(r.stars).toBe(4);
    expect(rate(w({ firstIssueAt: NOW, warnings: 3 }))).toMatchObject({ score: 80, stars: 4 });
  });

  test('when one of its three conditions fails, then the floor does not apply: a new, warned merchant falls to 3 stars', () => {
    const weak = { warnings: 5, firstIssueAt: undefined };
    expect(rate(w({ ...weak, complaintsOpen: 1 }))).toMatchObject({ score: 76, stars: 4 }); // 35 + 20 + 16 + 0 + 5, by the score
    expect(rate(w({ ...weak, complaintsOpen: 3 }))).toMatchObject({ score: 68, stars: 3 });
    expect(rate(w({ ...weak, anomalies: [{ rule: 'refund-overdue', severity: 'yellow' }] }))).toMatchObject({ score: 70, stars: 3 });
    expect(rate(w({ ...weak, custody: 99_999 }))).toMatchObject({ score: 69, stars: 3 });
  });
});
