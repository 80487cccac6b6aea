/**
 * The append-only log on a real LevelDB: genesis, atomic transactions, group
 * commit, read-your-writes, (actor, id) lookups, reopening, and the errors of
 * opening the wrong thing.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LedgerError,
  fromBase64Url,
  fromHex,
  toHex,
  nodeSuite as suite,
  verifyCheckpoint,
  verifyEnvelopeSignature,
  verifyInclusion,
  type Ledger,
  type Receipt,
} from '../../ledger/index.js';
import { OPERATOR, ORIGIN, REGULATOR, fillTo, openLedger, registration, removeTempDirs, tempDir, testKey } from './support.js';

afterAll(removeTempDirs);

const ledgers: Ledger[] = [];
const open = async (...args: Parameters<typeof openLedger>) => {
  const l = await openLedger(...args);
  ledgers.push(l);
  return l;
};
afterEach(async () => {
  for (const l of ledgers.splice(0)) await l.close();
});

const state = (l: Ledger) => ({ size: l.size, head: l.checkpoint.head, root: l.checkpoint.root });
const append = (l: Ledger, put?: Record<string, unknown>) =>
  l.transact((tx) => {
    const index = tx.append(registration(tx.nextIndex, tx.at));
    for (const [k, v] of Object.entries(put ?? {})) tx.put(k, v);
    return index;
  });
const operatorKey = fromBase64Url(OPERATOR.publicKey)!;

/** The receipt's checkpoint is signed, covers the entry, and proves it. */
const checkReceipt = async (l: Ledger, r: Receipt): Promise<string | undefined> => {
  if (verifyCheckpoint(suite, r.checkpoint, ORIGIN, operatorKey)) return `${r.index}: checkpoint does not verify`;
  if (!(r.checkpoint.size > r.index)) return `${r.index}: checkpoint of size ${r.checkpoint.size} does not cover it`;
  const e = l.entry(r.index);
  if (e?.leaf !== r.leaf || e.hash !== r.hash || e.at !== r.at) return `${r.index}: receipt is not the stored entry`;
  const path = (await l.proveInclusion(r.index, r.checkpoint.size)).map((h) => fromHex(h)!);
  if (!verifyInclusion(suite, r.index, r.checkpoint.size, fromHex(r.leaf)!, path, fromHex(r.checkpoint.root)!))
    return `${r.index}: proof fails`;
  return undefined;
};

describe('Ledger.open', () => {
  describe('on a new directory', () => {
    test('creates the genesis entry: ledger.genesis by the operator, signed, naming origin, key and regulators', async () => {
      const l = await open(tempDir('log'), { state: { 'actor/regulator': { id: 'regulator' } } });
      expect(l.size).toBe(1);
      const g = l.entry(0)!;
      expect(g.event).toMatchObject({
        type: 'ledger.genesis',
        actor: 'operator',
        body: { origin: ORIGIN, operatorKey: OPERATOR.publicKey, regulators: [{ id: 'regulator', publicKey: REGULATOR.publicKey }] },
      });
      expect(verifyEnvelopeSignature(suite, g.event, OPERATOR.publicKey, g.event.sig)).toBe(true);
      expect(g.prev).toBe('0'.repeat(64));
      expect(l.checkpoint).toMatchObject({ origin: ORIGIN, size: 1, head: g.hash, root: g.leaf });
      expect(verifyCheckpoint(suite, l.checkpoint, ORIGIN, operatorKey)).toBeUndefined();
      expect(l.get('actor/regulator')).toEqual({ id: 'regulator' });
    });
  });

  describe('on an existing ledger', () => {
    test('reuses its genesis (a genesis option is ignored) and preserves size, head, root and state, however often reopened', async () => {
      const dir = tempDir('log');
      const first = await openLedger(dir);
      await fillTo(first, 9, 3);
      await append(first, { 'k/1': { v: 1 } });
      const before = { ...state(first), genesis: first.entry(0), tree: toHex(await first.rootAt(10)) };
      expect(before.tree).toBe(before.root);
      await first.close();
      for (let i = 0; i < 3; i++) {
        const again = await openLedger(dir, { state: { 'k/1': 'overwritten?' }, now: () => Date.parse('2030-01-01T00:00:00.000Z') });
        expect({ ...state(again), genesis: again.entry(0), tree: toHex(await again.rootAt(10)) }).toEqual(before);
        expect(again.get('k/1')).toEqual({ v: 1 });
        await again.close();
      }
      const l = await open(dir);
      const { receipts } = await append(l);
      expect(receipts[0].index).toBe(10);
      expect(l.entry(10)!.prev).toBe(before.head);
      expect(await checkReceipt(l, receipts[0])).toBeUndefined();
    });
  });

  describe('with another operator key or origin', () => {
    test.each([
      ['another operator key', { operator: testKey('operator', 'someone else') }],
      ['another origin', { origin: 'elsewhere.test/ledger' }],
    ])('with %s, fails with OPERATOR_KEY_MISMATCH and leaves the ledger as it was', async (_what, o) => {
      const dir = tempDir('log');
      const l = await openLedger(dir);
      await fillTo(l, 3);
      const before = state(l);
      await l.close();
      await expect(openLedger(dir, o)).rejects.toMatchObject({ name: 'LedgerError', code: 'OPERATOR_KEY_MISMATCH' });
      await expect(openLedger(dir, { ...o, create: false })).rejects.toMatchObject({ code: 'OPERATOR_KEY_MISMATCH' });
      expect(state(await open(dir))).toEqual(before);
    });
  });

  describe('on a directory that holds no ledger, without a genesis to create', () => {
    test.each([
      ['an empty directory', (d: string) => d],
      ['a directory of other files', (d: string) => (writeFileSync(join(d, 'notes.txt'), 'hello'), d)],
      ['a path that does not exist', (d: string) => join(d, 'missing')],
    ])('given %s, fails with LEDGER_NOT_FOUND and creates nothing', async (_what, make) => {
      const path = make(tempDir('log'));
      const files = () => (existsSync(path) ? readdirSync(path) : 'absent');
      const before = files();
      const err = await openLedger(path, { create: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LedgerError);
      expect(err).toMatchObject({ code: 'LEDGER_NOT_FOUND' });
      expect(files()).toEqual(before);
    });
  });
});

describe('Ledger.transact', () => {
  describe('when the transaction function throws', () => {
    test('rejects with what it threw and writes nothing: no entry, no (actor, id), no state, on disk or in memory', async () => {
      const dir = tempDir('log');
      const l = await openLedger(dir);
      await fillTo(l, 4);
      const before = state(l);
      const boom = new Error('rule broken');
      const ev = registration(4, new Date().toISOString());
      await expect(
        l.transact((tx) => {
          tx.append(ev);
          tx.append(registration(5, tx.at));
          tx.put('k/x', 1);
          tx.del('k/y');
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(state(l)).toEqual(before);
      expect(l.findEvent(ev.actor, ev.id)).toBeUndefined();
      expect(l.get('k/x')).toBeUndefined();
      // The next transaction gets the index the failed one would have had: no gap.
      const { receipts } = await append(l);
      expect(receipts[0].index).toBe(4);
      await l.close();
      const again = await open(dir, { create: false });
      expect(again.size).toBe(5);
      expect(again.entry(4)!.event.id).toBe(registration(4, '').id);
      expect(again.entry(5)).toBeUndefined();
      expect(again.get('k/x')).toBeUndefined();
    });

    test('does not disturb transactions pending around it', async () => {
      const l = await open(tempDir('log'));
      const results = await Promise.allSettled([
        append(l, { 'k/a': 1 }),
        l.transact((tx) => {
          tx.append(registration(tx.nextIndex, tx.at));
          tx.put('k/a', 'from the failed one');
          throw new Error('no');
        }),
        l.transact((tx) => {
          const a = tx.get('k/a');
          tx.append(registration(tx.nextIndex, tx.at));
          tx.put('k/b', a);
        }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect([l.get('k/a'), l.get('k/b'), l.size]).toEqual([1, 1, 3]);
    });
  });

  describe('when many transactions are started in one tick', () => {
    test('they are group-committed: far fewer checkpoints than entries, and every receipt is covered and proven', async () => {
      const l = await open(tempDir('log'));
      const N = 200;
      const first = Array.from({ length: N / 2 }, () => append(l));
      await new Promise((r) => setImmediate(r)); // the first group is being written; the rest queue behind it
      const second = Array.from({ length: N / 2 }, () => append(l));
      const receipts = (await Promise.all([...first, ...second])).flatMap((r) => r.receipts);
      expect(receipts.map((r) => r.index)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
      const checkpoints = Array.from({ length: N + 1 }, (_, i) => l.checkpointAt(i + 1)).filter(Boolean);
      expect(checkpoints.length).toBeGreaterThanOrEqual(2); // genesis and at least one group
      expect(checkpoints.length).toBeLessThanOrEqual(N / 20);
      expect(new Set(receipts.map((r) => r.checkpoint.size)).size).toBeLessThanOrEqual(N / 20);
      const bad = (await Promise.all(receipts.map((r) => checkReceipt(l, r)))).filter(Boolean);
      expect(bad).toEqual([]);
      expect(l.size).toBe(N + 1);
    });
  });

  describe('reads', () => {
    test('inside a transaction, see its own puts, deletes, appends and events', async () => {
      const l = await open(tempDir('log'));
      await append(l, { 'k/gone': 1 });
      const { value } = await l.transact((tx) => {
        const start = tx.nextIndex;
        const ev = registration(start, tx.at);
        const index = tx.append(ev);
        tx.put('k/new', { n: 1 });
        tx.del('k/gone');
        return {
          start,
          index,
          next: tx.nextIndex,
          got: [tx.get('k/new'), tx.get('k/gone'), tx.get('k/never')],
          found: tx.findEvent(ev.actor, ev.id),
          event: tx.eventAt(index)?.id,
          durable: tx.eventAt(1)?.id,
        };
      });
      expect(value).toEqual({
        start: 2,
        index: 2,
        next: 3,
        got: [{ n: 1 }, undefined, undefined],
        found: 2,
        event: registration(2, '').id,
        durable: registration(1, '').id,
      });
      expect([l.get('k/new'), l.get('k/gone')]).toEqual([{ n: 1 }, undefined]);
    });

    test('across pending transactions, see earlier ones before they are durable; committed reads wait for durability', async () => {
      const l = await open(tempDir('log'));
      const ev = registration(1, new Date().toISOString());
      const p1 = l.transact((tx) => {
        tx.append(ev);
        tx.put('k/shared', 'one');
      });
      expect(l.size).toBe(1); // not yet durable
      expect(l.get('k/shared')).toBeUndefined();
      expect(l.findEvent(ev.actor, ev.id)).toBe(1); // pending entries are found (dedup must see them)
      const p2 = l.transact((tx) => {
        const seen = { value: tx.get('k/shared'), index: tx.findEvent(ev.actor, ev.id), event: tx.eventAt(1)?.id, next: tx.nextIndex };
        tx.append(registration(tx.nextIndex, tx.at));
        tx.put('k/shared', 'two');
        return seen;
      });
      const [, r2] = await Promise.all([p1, p2]);
      expect(r2.value).toEqual({ value: 'one', index: 1, event: ev.id, next: 2 });
      expect(l.get('k/shared')).toBe('two');
    });
  });

  describe('(actor, id) lookups', () => {
    test('find durable events by (actor, id) — also after reopening — and nothing for another actor or id', async () => {
      const dir = tempDir('log');
      const l = await openLedger(dir);
      await fillTo(l, 6, 2);
      const ev = l.entry(4)!.event;
      expect(l.findEvent(ev.actor, ev.id)).toBe(4);
      expect(l.findEvent('operator', 'genesis-0000')).toBe(0);
      await l.close();
      const again = await open(dir);
      expect(again.findEvent(ev.actor, ev.id)).toBe(4);
      expect(again.findEvent('someone-else', ev.id)).toBeUndefined();
      expect(again.findEvent(ev.actor, 'reg-99999999')).toBeUndefined();
    });

    test('refuse a second append of the same (actor, id), durable or in the same transaction, writing nothing', async () => {
      const l = await open(tempDir('log'));
      await fillTo(l, 3);
      const before = state(l);
      const again = l.entry(2)!.event;
      await expect(l.transact((tx) => tx.append(again))).rejects.toThrow(TypeError);
      await expect(
        l.transact((tx) => {
          const ev = registration(9, tx.at);
          tx.append(ev);
          tx.append(ev);
        }),
      ).rejects.toThrow(TypeError);
      expect(state(l)).toEqual(before);
    });
  });

  describe('when the ledger is closed', () => {
    test('pending transactions still become durable, and later ones fail with LEDGER_CLOSED', async () => {
      const dir = tempDir('log');
      const l = await openLedger(dir);
      const pending = Array.from({ length: 20 }, () => append(l));
      await l.close();
      expect((await Promise.all(pending)).length).toBe(20);
      await expect(append(l)).rejects.toMatchObject({ code: 'LEDGER_CLOSED' });
      expect((await open(dir)).size).toBe(21);
    });
  });
});
