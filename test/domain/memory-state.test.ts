/**
 * The replay's in-memory state must behave exactly like the ledger's JSON-text
 * state: values are snapshotted as JSON at put time, and every get hands out a
 * fresh copy that a rule may mutate freely.
 */
import fc from 'fast-check';
import { MemoryState } from '../../src/domain/memory-state.js';

/** The reference: JSON text by key, parsed on every get (what the ledger's transaction does). */
class TextState {
  readonly map = new Map<string, string>();
  get = (key: string) => {
    const text = this.map.get(key);
    return text === undefined ? undefined : JSON.parse(text);
  };
}

describe('MemoryState', () => {
  it('when a rule mutates a value it read, then the state is unchanged', () => {
    const state = new MemoryState();
    const tx = state.begin();
    tx.put('lot/1', { sold: 1, inTransit: { a: 1 }, parents: ['x'] });
    tx.commit();
    const read = state.begin().get<{ sold: number; inTransit: Record<string, number>; parents: string[] }>('lot/1')!;
    read.sold = 99;
    read.inTransit.a = 99;
    read.parents.push('y');
    expect(state.get('lot/1')).toEqual({ sold: 1, inTransit: { a: 1 }, parents: ['x'] });
  });

  it('when a value is mutated after put, then the transaction and the state keep what was put', () => {
    const state = new MemoryState();
    const tx = state.begin();
    const value = { n: 1, list: [1] };
    tx.put('k', value);
    value.n = 2;
    value.list.push(2);
    expect(tx.get('k')).toEqual({ n: 1, list: [1] });
    const again = tx.get<{ n: number }>('k')!;
    again.n = 3;
    expect(tx.get('k')).toEqual({ n: 1, list: [1] });
    tx.commit();
    expect(state.get('k')).toEqual({ n: 1, list: [1] });
  });

  it('when values are put, then they read back as JSON would (undefined members dropped, NaN null, dates as text)', () => {
    const state = new MemoryState();
    const tx = state.begin();
    tx.put('k', { a: undefined, b: NaN, c: new Date(0), d: [undefined], e: -0 });
    tx.commit();
    expect(state.get('k')).toEqual({ b: null, c: '1970-01-01T00:00:00.000Z', d: [null], e: 0 });
    expect(Object.keys(state.get('k')!)).toEqual(['b', 'c', 'd', 'e']);
  });

  it('when a key is named __proto__, then it reads back as an own property, not as the prototype', () => {
    const state = new MemoryState();
    const tx = state.begin();
    tx.put('k', JSON.parse('{"__proto__":{"polluted":true},"x":1}'));
    tx.commit();
    const read = state.get<Record<string, unknown>>('k')!;
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.keys(read)).toEqual(['__proto__', 'x']);
    expect((read as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('when a value is not JSON, then put throws as the ledger does', () => {
    expect(() => new MemoryState().begin().put('k', undefined)).toThrow(TypeError);
  });

  it('when a transaction is not committed, then its writes and deletes are invisible', () => {
    const state = new MemoryState();
    const setup = state.begin();
    setup.put('a', 1);
    setup.commit();
    const tx = state.begin();
    tx.put('b', 2);
    tx.del('a');
    expect(tx.get('a')).toBeUndefined();
    expect(tx.get('b')).toBe(2);
    expect(state.get('a')).toBe(1);
    expect(state.get('b')).toBeUndefined();
    tx.commit();
    expect(state.get('a')).toBeUndefined();
    expect(state.get('b')).toBe(2);
  });

  it('when random transactions run, then every read equals the JSON-text state', () => {
    const key = fc.constantFrom('a', 'b', 'c');
    const op = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), key, value: fc.jsonValue() }),
      fc.record({ kind: fc.constant('del' as const), key }),
      fc.record({ kind: fc.constant('get' as const), key, mutate: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ ops: fc.array(op, { maxLength: 8 }), commit: fc.boolean() }), { maxLength: 8 }), (txs) => {
        const state = new MemoryState();
        const reference = new TextState();
        for (const { ops, commit } of txs) {
          const tx = state.begin();
          const local = new Map<string, string | null>();
          for (const o of ops) {
            if (o.kind === 'put') {
              tx.put(o.key, o.value);
              local.set(o.key, JSON.stringify(o.value));
            } else if (o.kind === 'del') {
              tx.del(o.key);
              local.set(o.key, null);
            } else {
              const text = local.has(o.key) ? local.get(o.key) : reference.map.get(o.key);
              const got = tx.get<unknown>(o.key);
              expect(got).toEqual(text == null ? undefined : JSON.parse(text));
              if (o.mutate && got && typeof got === 'object') (got as Record<string, unknown>).mutated = true;
            }
          }
          if (commit) {
            tx.commit();
            for (const [k, v] of local) v === null ? reference.map.delete(k) : reference.map.set(k, v);
          }
          for (const k of ['a', 'b', 'c']) expect(state.get(k)).toEqual(reference.get(k));
        }
      }),
    );
  });
});
