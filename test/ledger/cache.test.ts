/** BoundedCache: bounded, and never answers a value older than the last write. */
import { BoundedCache } from '../../ledger/cache.js';

describe('BoundedCache', () => {
  test('when a key is written again, then reads see the newest value, across generations', () => {
    const c = new BoundedCache<string | null>(4);
    c.set('k', 'v1');
    c.set('a', '1');
    c.set('b', '2'); // rotates: k, a, b move to the old generation
    c.set('k', 'v2');
    expect(c.get('k')).toBe('v2');
    c.set('c', '3'); // rotates again: the stale k=v1 is dropped with the old generation
    expect(c.get('k')).toBe('v2');
  });

  test('when a value is known absent, then null is kept apart from a miss', () => {
    const c = new BoundedCache<string | null>(4);
    c.set('gone', null);
    expect(c.get('gone')).toBeNull();
    expect(c.get('never')).toBeUndefined();
  });

  test('when more keys than the capacity are written, then the oldest are forgotten', () => {
    const c = new BoundedCache<string | null>(10);
    for (let i = 0; i < 100; i++) c.set(`k${i}`, String(i));
    const kept = Array.from({ length: 100 }, (_, i) => c.get(`k${i}`)).filter((v) => v !== undefined);
    expect(kept.length).toBeLessThanOrEqual(10);
    expect(c.get('k99')).toBe('99');
    expect(c.get('k0')).toBeUndefined();
  });

  test('when an old value is read, then it is promoted and survives the next rotation', () => {
    const c = new BoundedCache<string | null>(4);
    c.set('hot', 'h');
    c.set('x', '1'); // rotation: hot is old
    expect(c.get('hot')).toBe('h'); // promoted to young
    c.set('y', '2'); // rotation: young (hot, y) becomes old
    expect(c.get('hot')).toBe('h');
  });
});
