/** The re-evaluation schedule of the timed anomaly rules (src/regulator/anomalies/schedule.ts): pure, over a state. */
import { MemoryState } from '../../src/domain/memory-state.js';
import { pendingDue, schedule, scheduledAt, takeDue, unschedule } from '../../src/regulator/anomalies/schedule.js';

const T = Date.parse('2026-11-22T08:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const fresh = () => new MemoryState().begin();

describe('schedule', () => {
  test('when items are due across minutes, hours and days, then takeDue returns exactly those due by then, in time order, once', () => {
    const s = fresh();
    schedule(s, 'in-transit-stale', 'shipment:S-3', T + 2 * DAY);
    schedule(s, 'in-transit-stale', 'shipment:S-1', T + 30 * 1000);
    schedule(s, 'complaint-overdue', 'merchant:m-1', T + HOUR + 1);
    schedule(s, 'in-transit-stale', 'shipment:S-2', T + 59 * 1000);
    expect(takeDue(s, T + 29_999)).toEqual([]);
    expect(takeDue(s, T + HOUR + 1)).toEqual([
      [T + 30_000, 'in-transit-stale', 'shipment:S-1'],
      [T + 59_000, 'in-transit-stale', 'shipment:S-2'],
      [T + HOUR + 1, 'complaint-overdue', 'merchant:m-1'],
    ]);
    expect(takeDue(s, T + HOUR + 1)).toEqual([]);
    expect(pendingDue(s, T + 3 * DAY)).toEqual([[T + 2 * DAY, 'in-transit-stale', 'shipment:S-3']]);
    expect(takeDue(s, T + 3 * DAY)).toHaveLength(1);
    expect(s.get('anomaly/sched/next')).toBeUndefined();
    expect(s.get('anomaly/sched/hours')).toEqual([]);
  });

  test('when a subject is scheduled again, earlier or later, then only the latest instant stays; unscheduling removes it', () => {
    const s = fresh();
    schedule(s, 'sales-spike', 'merchant:m-1', T + DAY);
    schedule(s, 'sales-spike', 'merchant:m-1', T + HOUR);
    schedule(s, 'sales-spike', 'merchant:m-1', T + 2 * HOUR);
    expect(scheduledAt(s, 'sales-spike', 'merchant:m-1')).toBe(T + 2 * HOUR);
    expect(pendingDue(s, T + 2 * DAY)).toEqual([[T + 2 * HOUR, 'sales-spike', 'merchant:m-1']]);
    expect(s.get('anomaly/sched/next')).toBe(T + 2 * HOUR);
    schedule(s, 'in-transit-stale', 'shipment:S-1', T + 3 * DAY);
    unschedule(s, 'sales-spike', 'merchant:m-1');
    expect(scheduledAt(s, 'sales-spike', 'merchant:m-1')).toBeUndefined();
    expect(s.get('anomaly/sched/next')).toBe(T + 3 * DAY);
    expect(takeDue(s, T + 4 * DAY)).toEqual([[T + 3 * DAY, 'in-transit-stale', 'shipment:S-1']]);
    expect(s.get('anomaly/sched/hours')).toEqual([]);
  });

  test('when nothing is due, then pendingDue reads only the next instant and finds nothing', () => {
    const s = fresh();
    expect(pendingDue(s, T)).toEqual([]);
    schedule(s, 'refund-overdue', 'merchant:m-2', T + 5 * DAY + 1);
    expect(s.get('anomaly/sched/next')).toBe(T + 5 * DAY + 1);
    expect(pendingDue(s, T + 5 * DAY)).toEqual([]);
  });
});
