/** The temp-excursion rule of SPEC §10 at each of its boundaries (pure functions, no service). */
import { tempExcursion, temperatureRange, type Reading } from '../../src/trace/temperature.js';

const T0 = Date.parse('2026-07-01T00:00:00.000Z');
const MIN = 60_000;
const at = (min: number) => new Date(T0 + min * MIN).toISOString();
/** Readings at the given minutes with the given temperatures, all from entry `index`. */
const series = (points: Array<[number, number]>, index = 7): Reading[] => points.map(([m, c]) => ({ t: at(m), c, index }));
/** `c` from minute 0 to `minutes`, then back to `after` (2 °C: well inside the chilled band). */
const spell = (c: number, minutes: number, after = 2): Reading[] =>
  series([
    [0, c],
    [minutes, after],
  ]);

describe('chilled', () => {
  test('when it is above 4 °C for 29 minutes, then there is no excursion; at 30 minutes it is yellow from the 30th minute', () => {
    expect(tempExcursion('S1', 'chilled', spell(5, 29))).toBeUndefined();
    expect(tempExcursion('S1', 'chilled', spell(5, 30))).toMatchObject({
      severity: 'yellow',
      since: at(30),
      subject: 'S1',
      id: 'temp-excursion:S1',
    });
  });

  test('when it sits at exactly 4 °C for hours, then there is no excursion (the limit is strict)', () => {
    expect(tempExcursion('S1', 'chilled', spell(4, 300))).toBeUndefined();
  });

  test('when spells above 4 °C are apart, then their durations add up', () => {
    const r = series([
      [0, 5],
      [20, 3],
      [30, 6],
      [40, 3],
    ]);
    expect(tempExcursion('S1', 'chilled', r)).toMatchObject({ severity: 'yellow', since: at(40), detail: { minutesAbove: 30 } });
  });

  test('when it is above 4 °C for 119 minutes, then yellow; for 120 minutes, red', () => {
    expect(tempExcursion('S1', 'chilled', spell(6, 119))?.severity).toBe('yellow');
    expect(tempExcursion('S1', 'chilled', spell(6, 120))).toMatchObject({ severity: 'red', since: at(30) });
  });

  test('when one reading is 8.1 °C, then red from that reading, even as the last one lasting 0; 8 °C alone is nothing', () => {
    expect(
      tempExcursion(
        'S1',
        'chilled',
        series([
          [0, 2],
          [5, 8.1],
        ]),
      ),
    ).toMatchObject({ severity: 'red', since: at(5), detail: { minutesAbove: 0, maxC: 8.1 } });
    expect(
      tempExcursion(
        'S1',
        'chilled',
        series([
          [0, 2],
          [5, 8],
        ]),
      ),
    ).toBeUndefined();
  });

  test('when readings arrive out of order from several entries, then they are sorted by time and only entries above the limit are listed', () => {
    const r = [
      ...series(
        [
          [30, 5],
          [60, 2],
        ],
        12,
      ),
      ...series([[0, 5]], 9),
      ...series([[90, 3]], 15),
    ];
    expect(tempExcursion('S1', 'chilled', r)).toMatchObject({
      severity: 'yellow',
      since: at(30),
      entries: [9, 12],
      detail: { readings: 4, minutesAbove: 60 },
    });
  });
});

describe('frozen', () => {
  test('when it is above −18 °C for 30 minutes, then yellow; for 5 hours it stays yellow (no duration rule for red)', () => {
    expect(tempExcursion('L1', 'frozen', spell(-17.5, 29, -20))).toBeUndefined();
    expect(tempExcursion('L1', 'frozen', spell(-17.5, 30, -20))?.severity).toBe('yellow');
    expect(tempExcursion('L1', 'frozen', spell(-16, 300, -20))?.severity).toBe('yellow');
  });

  test('when a reading is above −15 °C, then red; −15 °C itself is not', () => {
    expect(
      tempExcursion(
        'L1',
        'frozen',
        series([
          [0, -20],
          [1, -14.9],
        ]),
      ),
    ).toMatchObject({ severity: 'red', since: at(1) });
    expect(
      tempExcursion(
        'L1',
        'frozen',
        series([
          [0, -20],
          [1, -15],
        ]),
      ),
    ).toBeUndefined();
  });
});

describe('ambient', () => {
  test('when it is 35 °C all day, then there is no temperature rule', () => {
    expect(tempExcursion('L1', 'ambient', spell(35, 24 * 60))).toBeUndefined();
  });
});

describe('temperatureRange', () => {
  test('when there are readings, then min and max; when none, null', () => {
    expect(
      temperatureRange(
        series([
          [0, 3],
          [5, -1.5],
          [10, 7],
        ]),
      ),
    ).toEqual({ min: -1.5, max: 7 });
    expect(temperatureRange([])).toEqual({ min: null, max: null });
  });
});
