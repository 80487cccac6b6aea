/** The pure regulatory numbers of SPEC §6 (the stars of §10: test/regulator/rating.test.ts). */
import { COOLING_OFF_MS, requiredCustody, withinCoolingOff } from '../../src/cards/policy.js';

describe('requiredCustody', () => {
  test.each([
    ['scale', 0, 0],
    ['scale', 1, 1],
    ['scale', 5, 1],
    ['scale', 6, 2],
    ['scale', 600_000, 120_000],
    ['group', 10, 3],
    ['group', 11, 4],
    ['brand', 250_001, 100_001],
    ['other', 500_000, 0],
    ['full', 123_457, 123_457],
  ] as const)('when the tier is %s and %i fen are outstanding, then %i fen are required (rounded up)', (tier, outstanding, required) => {
    expect(requiredCustody(tier, outstanding)).toBe(required);
  });

  test('when pct × outstanding passes 2^53, then the result is still exact', () => {
    // 40 × 9007199254740991 / 100 = 3602879701896396.4 → 3602879701896397
    expect(requiredCustody('brand', Number.MAX_SAFE_INTEGER)).toBe(3602879701896397);
  });
});

describe('withinCoolingOff', () => {
  test('when exactly 7 × 24 h have passed, then it is still within; 1 ms later it is not', () => {
    const t0 = Date.parse('2026-11-22T08:00:00.000Z');
    expect(withinCoolingOff(t0, t0 + COOLING_OFF_MS)).toBe(true);
    expect(withinCoolingOff(t0, t0 + COOLING_OFF_MS + 1)).toBe(false);
    expect(COOLING_OFF_MS).toBe(604_800_000);
  });
});
