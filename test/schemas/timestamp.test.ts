import fc from 'fast-check';
import { isRealInstant, timestamp } from '../../schemas/common.js';

/** The definition the arithmetic replaces: the instant Date prints back. */
const roundTrips = (s: string) => {
  const t = Date.parse(s);
  return Number.isFinite(t) && new Date(t).toISOString() === s;
};

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** Strings of the timestamp's shape, fields drawn past their ranges (month 13, day 31 of April, hour 24, second 60). */
const shaped = fc
  .tuple(
    fc.integer({ min: 0, max: 9999 }),
    fc.integer({ min: 0, max: 99 }),
    fc.integer({ min: 0, max: 39 }),
    fc.integer({ min: 0, max: 29 }),
    fc.integer({ min: 0, max: 69 }),
    fc.integer({ min: 0, max: 69 }),
    fc.integer({ min: 0, max: 999 }),
  )
  .map(([y, mo, d, h, mi, s, ms]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`);

describe('timestamps (SPEC §1)', () => {
  test('when a string has the shape, then it is a real instant exactly when Date prints it back unchanged', () => {
    fc.assert(
      fc.property(shaped, (s) => isRealInstant(s) === roundTrips(s)),
      { numRuns: 20_000 },
    );
  });

  test.each([
    ['2024-02-29T23:59:59.999Z', true],
    ['2023-02-29T00:00:00.000Z', false],
    ['2000-02-29T00:00:00.000Z', true],
    ['1900-02-29T00:00:00.000Z', false],
    ['2026-04-31T00:00:00.000Z', false],
    ['2026-12-31T24:00:00.000Z', false],
    ['2026-12-31T23:59:60.000Z', false],
    ['0000-01-01T00:00:00.000Z', true],
    ['2026-00-10T00:00:00.000Z', false],
  ])('%s is a real instant: %s', (s, real) => {
    expect(isRealInstant(s)).toBe(real);
    expect(roundTrips(s)).toBe(real);
    expect(timestamp.safeParse(s).success).toBe(real);
  });
});
