/**
 * What every LogStore must do, whatever database it sits on: reads give back
 * exactly what commits wrote, in order, with misses as undefined; a commit group
 * lands whole or not at all; everything is still there after a reopen. Each
 * backend's test file calls `storeConformance` with a way to open its store.
 */
import type { CommitGroup, LogStore } from '../../ledger/index.js';

export interface Backend {
  /** Opens a fresh, empty store. */
  create(): Promise<LogStore>;
  /** Closes `store` and opens the same one again. */
  reopen(store: LogStore): Promise<LogStore>;
  /**
   * Commits `group` in a way this backend cannot complete half way through (a
   * write its database refuses after part of the group went in); returns the
   * store to read from afterwards (reopened if the fault required it).
   */
  failingCommit(store: LogStore, group: CommitGroup): Promise<{ error: unknown; store: LogStore }>;
}

const bytes = (seed: number, levels = 1): Uint8Array => Uint8Array.from({ length: 32 * levels }, (_, i) => (seed * 31 + i) & 0xff);

/** A group appending entries [from, to) with an event, a tree record and a state write each. */
const group = (from: number, to: number, extra: Partial<CommitGroup> = {}): CommitGroup => {
  const n = to - from;
  return {
    entries: Array.from({ length: n }, (_, i) => ({
      index: from + i,
      text: JSON.stringify({ index: from + i, text: '条目 ' + (from + i) }),
    })),
    tree: Array.from({ length: n }, (_, i) => ({ leaf: from + i, record: bytes(from + i, 1 + ((from + i) % 3)) })),
    events: Array.from({ length: n }, (_, i) => ({ actor: `actor-${(from + i) % 2}`, id: `evt-${from + i}`, index: from + i })),
    state: Array.from({ length: n }, (_, i) => ({
      key: `entry/${String(from + i).padStart(4, '0')}`,
      value: JSON.stringify({ i: from + i }),
    })),
    checkpoint: { size: to, text: JSON.stringify({ size: to, note: `checkpoint at ${to}` }) },
    ...extra,
  };
};

const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

export const storeConformance = (name: string, backend: Backend): void => {
  describe(`LogStore conformance: ${name}`, () => {
    let store: LogStore;
    beforeEach(async () => {
      store = await backend.create();
    });
    afterEach(async () => {
      await store.close();
    });

    test('when the store is new, then it is empty and every read misses', async () => {
      expect(await store.isEmpty()).toBe(true);
      expect(store.head()).toBeUndefined();
      expect(store.entry(0)).toBeUndefined();
      expect(store.checkpoint(1)).toBeUndefined();
      expect(store.state('entry/0000')).toBeUndefined();
      expect(store.event('actor-0', 'evt-0')).toBeUndefined();
      expect(await store.treeRecords([0, 1])).toEqual([undefined, undefined]);
      expect(await collect(store.entries(0))).toEqual([]);
      expect(await collect(store.treeRange(0))).toEqual([]);
      expect(await collect(store.checkpoints(0))).toEqual([]);
      expect(await collect(store.scanState(''))).toEqual([]);
    });

    test('when a group is committed, then every read gives back exactly what it wrote', async () => {
      const g = group(0, 3);
      await store.commit(g);
      expect(await store.isEmpty()).toBe(false);
      expect(store.head()).toBe(g.checkpoint.text);
      for (const e of g.entries) expect(store.entry(e.index)).toBe(e.text);
      expect(store.entry(3)).toBeUndefined();
      expect(store.checkpoint(3)).toBe(g.checkpoint.text);
      expect(store.checkpoint(2)).toBeUndefined();
      for (const e of g.events) expect(store.event(e.actor, e.id)).toBe(e.index);
      expect(store.event('actor-1', 'evt-0')).toBeUndefined();
      for (const s of g.state) expect(store.state(s.key)).toBe(s.value);
      const records = await store.treeRecords([2, 7, 0, 1]);
      expect(records.map((r) => r && Array.from(r))).toEqual([
        Array.from(g.tree[2].record),
        undefined,
        Array.from(g.tree[0].record),
        Array.from(g.tree[1].record),
      ]);
    });

    test('when several groups are committed, then ranges come back ascending and bounded [from, to)', async () => {
      await store.commit(group(0, 2));
      await store.commit(group(2, 5));
      await store.commit(group(5, 6));
      expect((await collect(store.entries(0))).map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(await collect(store.entries(1, 4))).toEqual(group(0, 6).entries.slice(1, 4));
      expect((await collect(store.treeRange(3))).map((t) => t.leaf)).toEqual([3, 4, 5]);
      expect((await collect(store.treeRange(0, 2))).map((t) => Array.from(t.record))).toEqual([
        Array.from(bytes(0, 1)),
        Array.from(bytes(1, 2)),
      ]);
      expect((await collect(store.checkpoints(0))).map((c) => c.size)).toEqual([2, 5, 6]);
      expect((await collect(store.checkpoints(3, 6))).map((c) => c.size)).toEqual([5]);
      expect(store.head()).toBe(group(5, 6).checkpoint.text);
    });

    test('when a range is longer than a page, then it still comes back whole and in order', async () => {
      await store.commit(group(0, 2500));
      const entries = await collect(store.entries(0));
      expect(entries.length).toBe(2500);
      expect(entries.every((e, i) => e.index === i)).toBe(true);
      expect((await collect(store.treeRange(1000, 2100))).length).toBe(1100);
      expect((await collect(store.scanState('entry/'))).length).toBe(2500);
      expect((await collect(store.scanState('entry/', { reverse: true, limit: 1500 })))[1499].key).toBe('entry/1000');
    });

    test('when state is written, deleted and rewritten, then the last write of each key wins, also within one group', async () => {
      await store.commit(
        group(0, 1, {
          state: [
            { key: 'a', value: '1' },
            { key: 'b', value: '2' },
            { key: 'a', value: '3' },
            { key: 'c', value: '4' },
            { key: 'c', value: null },
          ],
        }),
      );
      expect([store.state('a'), store.state('b'), store.state('c')]).toEqual(['3', '2', undefined]);
      await store.commit(
        group(1, 2, {
          state: [
            { key: 'b', value: null },
            { key: 'c', value: '5' },
          ],
        }),
      );
      expect([store.state('a'), store.state('b'), store.state('c')]).toEqual(['3', undefined, '5']);
      expect(await collect(store.scanState(''))).toEqual([
        { key: 'a', value: '3' },
        { key: 'c', value: '5' },
      ]);
    });

    test('when state is scanned, then keys come in byte order of their UTF-8, bounded by prefix, gt, lt, reverse and limit', async () => {
      const keys = ['p/a', 'p/b', 'p/B', 'p/中', 'p/z', 'p/ä', 'p0', 'p', 'q/a', 'o/z'];
      await store.commit(group(0, 1, { state: keys.map((key) => ({ key, value: JSON.stringify(key) })) }));
      const scan = async (prefix: string, o = {}) => (await collect(store.scanState(prefix, o))).map((r) => r.key);
      expect(await scan('p/')).toEqual(['p/B', 'p/a', 'p/b', 'p/z', 'p/ä', 'p/中']);
      expect(await scan('p/', { reverse: true })).toEqual(['p/中', 'p/ä', 'p/z', 'p/b', 'p/a', 'p/B']);
      expect(await scan('p/', { gt: 'a', lt: 'ä' })).toEqual(['p/b', 'p/z']);
      expect(await scan('p/', { gt: 'a', reverse: true, limit: 2 })).toEqual(['p/中', 'p/ä']);
      expect(await scan('p/', { limit: 2 })).toEqual(['p/B', 'p/a']);
      expect(await scan('p')).toEqual(['p', 'p/B', 'p/a', 'p/b', 'p/z', 'p/ä', 'p/中', 'p0']);
      expect(await scan('r/')).toEqual([]);
      expect((await collect(store.scanState('q/')))[0].value).toBe('"q/a"');
    });

    test('when a commit fails part way, then nothing of its group is stored, before or after a reopen', async () => {
      const first = group(0, 2);
      await store.commit(first);
      const bad = group(2, 4, { state: [{ key: 'entry/0000', value: '"overwritten"' }, ...group(2, 4).state] });
      const failed = await backend.failingCommit(store, bad);
      store = failed.store;
      expect(failed.error).toBeDefined();
      const check = async () => {
        expect(store.head()).toBe(first.checkpoint.text);
        expect(store.entry(2)).toBeUndefined();
        expect(store.entry(3)).toBeUndefined();
        expect(store.checkpoint(4)).toBeUndefined();
        expect(store.event('actor-0', 'evt-2')).toBeUndefined();
        expect(store.state('entry/0000')).toBe(first.state[0].value);
        expect(store.state('entry/0002')).toBeUndefined();
        expect(await store.treeRecords([2, 3])).toEqual([undefined, undefined]);
        expect((await collect(store.entries(0))).length).toBe(2);
        expect((await collect(store.checkpoints(0))).map((c) => c.size)).toEqual([2]);
      };
      await check();
      store = await backend.reopen(store);
      await check();
      // And the store takes the same group again afterwards.
      await store.commit(group(2, 4));
      expect(store.entry(3)).toBe(group(2, 4).entries[1].text);
    });

    test('when the store is closed and reopened, then it reads back everything it held', async () => {
      const a = group(0, 3);
      const b = group(3, 4, { state: [{ key: 'entry/0001', value: null }] });
      await store.commit(a);
      await store.commit(b);
      store = await backend.reopen(store);
      expect(await store.isEmpty()).toBe(false);
      expect(store.head()).toBe(b.checkpoint.text);
      expect(store.entry(3)).toBe(b.entries[0].text);
      expect(store.checkpoint(3)).toBe(a.checkpoint.text);
      expect(store.event('actor-1', 'evt-3')).toBe(3);
      expect(store.state('entry/0001')).toBeUndefined();
      expect(store.state('entry/0002')).toBe(a.state[2].value);
      expect((await collect(store.entries(0))).map((e) => e.text)).toEqual([...a.entries, ...b.entries].map((e) => e.text));
      expect((await collect(store.scanState('entry/'))).map((s) => s.key)).toEqual(['entry/0000', 'entry/0002']);
      expect(Array.from((await store.treeRecords([2]))[0]!)).toEqual(Array.from(a.tree[2].record));
    });
  });
};
