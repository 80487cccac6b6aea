/**
 * The subject map kept in the store (ledger/subjects.ts "Stored maps"): a ledger
 * opens by reading one record of it, reads the rest as lookups, updates and
 * proofs pass them, checks each against the hash its parent commits to, keeps
 * older views provable while commits rewrite records, and rebuilds the records
 * of a store written before they were kept. Runs on LevelDB and PostgreSQL.
 */
import {
  Ledger,
  LedgerError,
  SUBJECT_NODE_PREFIX,
  SubjectMap,
  fromHex,
  nextHead,
  nodeSuite as suite,
  toHex,
  verifySubjectProof,
  type LogStore,
  type SubjectHead,
  type ViewPoint,
} from '../../ledger/index.js';
import { openStore } from '../../ledger/open-store.js';
import { OPERATOR, ORIGIN, databaseFor, openLedger, registration, removeTempDirs, tempDir } from './support.js';

afterAll(removeTempDirs);

const SUBJECTS = Array.from({ length: 90 }, (_, i) => (i % 3 ? `lot:L-${i}` : `card:C-${i}`));
const ABSENT = ['lot:never', 'merchant:nobody', 'card:C-999'];

/** Expected heads, kept beside the ledger from its receipts. */
type Heads = Map<string, SubjectHead>;

/**
 * Appends `n` entries in groups of 8, entry i concerning two of the first `among` subjects;
 * moves `heads` as the ledger should.
 */
const grow = async (ledger: Ledger, n: number, heads: Heads, among: number): Promise<void> => {
  for (let done = 0; done < n; done += 8) {
    const wave = await Promise.all(
      Array.from({ length: Math.min(8, n - done) }, () =>
        ledger.transact((tx) => {
          const i = tx.nextIndex;
          const subjects = [SUBJECTS[(i * 7) % among], SUBJECTS[(i * 11 + 3) % among]];
          tx.append(registration(i, tx.at), undefined, subjects);
          return subjects;
        }),
      ),
    );
    for (const { value: subjects, receipts } of wave)
      for (const s of new Set(subjects)) heads.set(s, nextHead(suite, heads.get(s), receipts[0].index, fromHex(receipts[0].leaf)!));
  }
};

/** A real store whose reads of subject-map records are counted, and can be altered or hidden. */
const watched = (store: LogStore, alter: (key: string, value: string | undefined) => string | undefined = (_k, v) => v) => {
  const reads: string[] = [];
  const proxy = new Proxy(store, {
    get(target, prop) {
      if (prop === 'state')
        return (key: string) => {
          const value = target.state(key);
          if (!key.startsWith(SUBJECT_NODE_PREFIX)) return value;
          reads.push(key);
          return alter(key, value);
        };
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store: proxy, reads };
};

const reopen = async (path: string, alter?: Parameters<typeof watched>[1]) => {
  const w = watched(await openStore({ path, database: await databaseFor(path), create: false }), alter);
  const ledger = await Ledger.open({ store: w.store, origin: ORIGIN, operator: OPERATOR });
  return { ledger, reads: w.reads };
};

/** Every subject (and some never seen) proves, in `vp`, the head `heads` gives it, against the root its checkpoint signs. */
const expectProves = (vp: ViewPoint, heads: Heads) => {
  const root = fromHex(vp.checkpoint.subjects!.root)!;
  for (const s of [...SUBJECTS, ...ABSENT]) {
    const { head, proof } = vp.subjects.prove(s);
    expect(head).toEqual(heads.get(s));
    expect(verifySubjectProof(suite, root, s, head, proof)).toBeUndefined();
  }
};

const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('it did not throw');
};

/** A ledger of 200 entries over 40 subjects, closed; and its heads. */
const grown = async (name: string) => {
  const path = tempDir(name);
  const heads: Heads = new Map();
  const ledger = await openLedger(path);
  await grow(ledger, 200, heads, 40);
  await ledger.close();
  return { path, heads };
};

describe('a subject map kept in the store', () => {
  test('when a ledger is reopened, then it reads one record of the map, and every subject proves the head its entries gave it', async () => {
    const { path, heads } = await grown('stored-open');
    const { ledger, reads } = await reopen(path);
    try {
      expect(new Set(reads)).toEqual(new Set([SUBJECT_NODE_PREFIX]));
      const atOpen = reads.length;
      expectProves(ledger.viewPoint(), heads);
      // Each record is read at most once: what a proof passed stays in memory.
      expect(new Set(reads.slice(atOpen)).size).toBe(reads.length - atOpen);
      expect(reads.slice(atOpen)).not.toContain(SUBJECT_NODE_PREFIX);
    } finally {
      await ledger.close();
    }
  });

  test('when entries are appended after reopening, then the map moves through records it had not read, as one built from the heads would', async () => {
    const { path, heads } = await grown('stored-append');
    let { ledger } = await reopen(path);
    try {
      await grow(ledger, 240, heads, SUBJECTS.length); // 50 new subjects: leaves split and move down
      expect(toHex(ledger.viewPoint().subjects.root())).toBe(toHex(SubjectMap.of(suite, heads).root()));
      expect(ledger.checkpoint.subjects!.root).toBe(toHex(SubjectMap.of(suite, heads).root()));
      await ledger.close();
      ({ ledger } = await reopen(path));
      expectProves(ledger.viewPoint(), heads);
    } finally {
      await ledger.close();
    }
  });

  test('when later commits rewrite the records under it, then a view taken earlier still proves every subject at its own size', async () => {
    const { path, heads } = await grown('stored-older');
    const { ledger } = await reopen(path);
    try {
      const before = ledger.viewPoint();
      const headsBefore = new Map(heads);
      await grow(ledger, 240, heads, SUBJECTS.length);
      expect(ledger.size).toBeGreaterThan(before.checkpoint.size);
      expectProves(before, headsBefore);
      expectProves(ledger.viewPoint(), heads);
    } finally {
      await ledger.close();
    }
  });

  test('when a leaf record is altered in the store, then a proof that reads it fails with LEDGER_CORRUPT naming its path, and other subjects still prove', async () => {
    const { path, heads } = await grown('stored-leaf');
    const target = SUBJECTS[5];
    let altered: string | undefined;
    const { ledger } = await reopen(path, (key, value) => {
      const record = value === undefined ? undefined : (JSON.parse(value) as unknown);
      if (!Array.isArray(record) || record[0] !== target) return value;
      altered = key;
      return JSON.stringify([record[0], Number(record[1]) + 1, record[2], record[3]]);
    });
    try {
      expect(thrown(() => ledger.viewPoint().subjects.prove(target))).toMatchObject({
        code: 'LEDGER_CORRUPT',
        message: `the subject-map node at path '${altered!.slice(SUBJECT_NODE_PREFIX.length)}' does not give the hash its parent commits to`,
      });
      const root = fromHex(ledger.checkpoint.subjects!.root)!;
      const other = SUBJECTS.slice(0, 40).find((s) => {
        try {
          const { head, proof } = ledger.viewPoint().subjects.prove(s);
          return verifySubjectProof(suite, root, s, head, proof) === undefined && head!.count === heads.get(s)!.count;
        } catch {
          return false;
        }
      });
      expect(other).toBeDefined();
    } finally {
      await ledger.close();
    }
  });

  test('when the root record is altered (its sides exchanged, or no node at all), then the ledger does not open (LEDGER_CORRUPT)', async () => {
    const { path } = await grown('stored-root');
    const swapped = (v: string) => `"${v.slice(45, 89)}${v.slice(1, 45)}"`; // left and right exchanged
    for (const alter of [
      (k: string, v?: string) => (k === SUBJECT_NODE_PREFIX ? swapped(v!) : v),
      (k: string, v?: string) => (k === SUBJECT_NODE_PREFIX ? 'null' : v),
    ]) {
      const opening = reopen(path, alter);
      await expect(opening).rejects.toBeInstanceOf(LedgerError);
      await expect(opening).rejects.toMatchObject({ code: 'LEDGER_CORRUPT' });
    }
  });

  test('when the store holds the heads but no records (written before they were kept), then the ledger opens by rebuilding, and its next commit stores every node', async () => {
    const { path, heads } = await grown('stored-legacy');
    const hidden = await reopen(path, () => undefined);
    try {
      expectProves(hidden.ledger.viewPoint(), heads);
      await grow(hidden.ledger, 8, heads, 40);
    } finally {
      await hidden.ledger.close();
    }
    const { ledger, reads } = await reopen(path);
    try {
      expect(new Set(reads)).toEqual(new Set([SUBJECT_NODE_PREFIX]));
      expectProves(ledger.viewPoint(), heads);
    } finally {
      await ledger.close();
    }
  });

  test('when the heads in a store without records do not give the signed root, then the ledger does not open (LEDGER_CORRUPT)', async () => {
    const { path } = await grown('stored-legacy-bad');
    const w = watched(await openStore({ path, database: await databaseFor(path), create: false }), () => undefined);
    const scan = w.store.scanState.bind(w.store);
    const dropped = new Proxy(w.store, {
      get: (target, prop) =>
        prop === 'scanState'
          ? async function* (prefix: string) {
              let skipped = false; // one head fewer
              for await (const kv of scan(prefix))
                if (skipped) yield kv;
                else skipped = true;
            }
          : (Reflect.get(target, prop, target) as unknown),
    });
    await expect(Ledger.open({ store: dropped, origin: ORIGIN, operator: OPERATOR })).rejects.toMatchObject({ code: 'LEDGER_CORRUPT' });
  });
});
