/**
 * Tampering directly in LevelDB: a closed ledger of 40 entries is damaged one
 * way at a time (keys as in ledger/store.ts), then the real CLI
 * `anxin verify --data` must exit 1 naming the damaged index first, and
 * `Ledger.open` must refuse with LEDGER_CORRUPT where its O(log n) checks reach
 * (the last entry, the head pointer, the frontier of the tree, the last leaf) —
 * and only there: deeper damage is the verifier's to find.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { HEAD_KEY, checkpointKey, entryKey, nodeKey } from '../../ledger/store-level.js';
import { nodeSuite, subjectCommitment, type Ledger } from '../../ledger/index.js';
import { fillTo, OPERATOR, ORIGIN, openLedger, rawDb, removeTempDirs, reportOf, requireDist, tempDir, verifyCli } from './support.js';

const SIZE = 40;
const MID = 17;
const LAST = SIZE - 1;
let pristine: string;
let checkpointSizes: number[];

beforeAll(async () => {
  requireDist();
  pristine = join(tempDir('tamper'), 'data');
  const ledger = await openLedger(pristine);
  await fillTo(ledger, SIZE, 4); // groups of 4: checkpoints at 1, 5, 9, … 37, 40
  checkpointSizes = Array.from({ length: SIZE }, (_, i) => i + 1).filter((n) => ledger.checkpointAt(n));
  await ledger.close();
}, 60_000);
afterAll(removeTempDirs);

type Db = Awaited<ReturnType<typeof rawDb>>;

/** A copy of the pristine ledger with one change made through LevelDB. */
const damaged = async (change: (db: Db) => Promise<void>): Promise<string> => {
  const dir = join(tempDir('tamper'), 'data');
  cpSync(pristine, dir, { recursive: true });
  const db = await rawDb(dir);
  try {
    await change(db);
  } finally {
    await db.close();
  }
  return dir;
};

const editEntry = (index: number, edit: (text: string) => string) => async (db: Db) => {
  const text = (await db.get(entryKey(index)))!;
  const changed = edit(text);
  expect(changed.length).toBe(text.length);
  expect(changed).not.toBe(text);
  await db.put(entryKey(index), changed);
};
/** One byte of the event: the P of "Producer <index>" becomes Q. */
const eventByte = (index: number) => editEntry(index, (t) => t.replace(`"Producer ${index}"`, `"Qroducer ${index}"`));
/** The first hex digit of the stored leaf, changed (still a well-formed hash). */
const storedLeaf = (index: number) =>
  editEntry(index, (t) => t.replace(/"leaf":"(.)/, (_m, c: string) => `"leaf":"${c === '0' ? '1' : '0'}`));
const storedHash = (index: number) =>
  editEntry(index, (t) => t.replace(/"hash":"(.)/, (_m, c: string) => `"hash":"${c === '0' ? '1' : '0'}`));
/** One bit of stored Merkle node (level, index), inside the tree record that holds it. */
const node = (level: number, index: number) => async (db: Db) => {
  const key = nodeKey({ level, index });
  const record = Uint8Array.from((await db.get<string, Uint8Array>(key, { valueEncoding: 'view' }))!);
  expect(record.length).toBeGreaterThanOrEqual(32 * (level + 1));
  record[32 * level] ^= 1;
  await db.put<string, Uint8Array>(key, record, { valueEncoding: 'view' });
};
const remove = (key: string) => async (db: Db) => {
  expect(await db.get(key)).toBeDefined();
  await db.del(key);
};
/** The head pointer rolled back to an earlier checkpoint. */
const rolledBackHead = async (db: Db) => {
  const older = checkpointSizes[checkpointSizes.length - 2];
  await db.put(HEAD_KEY, (await db.get(checkpointKey(older)))!);
};

const editHead = (edit: (text: string) => string) => async (db: Db) => {
  const text = (await db.get(HEAD_KEY))!;
  expect(edit(text)).not.toBe(text);
  await db.put(HEAD_KEY, edit(text));
};

const openDamaged = async (dir: string): Promise<unknown> => {
  let ledger: Ledger | undefined;
  try {
    ledger = await openLedger(dir, { create: false });
    return undefined;
  } catch (e) {
    return e;
  } finally {
    await ledger?.close();
  }
};

/** Checkpoint `size`'s subject commitment replaced (undefined: removed), the checkpoint itself untouched. */
const subjectNote = (size: number, forged?: { root: Uint8Array }) => async (db: Db) => {
  const checkpoint = JSON.parse((await db.get(checkpointKey(size)))!);
  expect(checkpoint.subjects).toBeDefined();
  checkpoint.subjects = forged && subjectCommitment(nodeSuite, OPERATOR.seed, ORIGIN, size, forged.root);
  await db.put(checkpointKey(size), JSON.stringify(checkpoint));
};

interface Case {
  what: string;
  change: (db: Db) => Promise<void>;
  /** The index the report must name first, and the codes that describe the damage there. */
  index: number;
  codes: string[];
  /** Whether the open-time checks cover it. */
  opens: boolean;
}

const cases: Case[] = [
  { what: `one byte of entry ${MID}'s event is changed`, change: eventByte(MID), index: MID, codes: ['leaf_mismatch'], opens: true },
  { what: `entry ${MID}'s stored leaf is changed`, change: storedLeaf(MID), index: MID, codes: ['leaf_mismatch'], opens: true },
  { what: `entry ${MID}'s stored chain hash is changed`, change: storedHash(MID), index: MID, codes: ['chain_mismatch'], opens: true },
  { what: `the level-0 Merkle node of leaf ${MID} is changed`, change: node(0, MID), index: MID, codes: ['node_mismatch'], opens: true },
  { what: 'the interior Merkle node 2/3 (leaves 12–15) is changed', change: node(2, 3), index: 15, codes: ['node_mismatch'], opens: true },
  { what: `entry ${MID} is deleted`, change: remove(entryKey(MID)), index: MID, codes: ['entry_missing'], opens: true },
  { what: `one byte of the last entry's event is changed`, change: eventByte(LAST), index: LAST, codes: ['leaf_mismatch'], opens: false },
  { what: `the last entry's stored leaf is changed`, change: storedLeaf(LAST), index: LAST, codes: ['leaf_mismatch'], opens: false },
  {
    what: `the level-0 Merkle node of the last leaf is changed`,
    change: node(0, LAST),
    index: LAST,
    codes: ['node_mismatch'],
    opens: false,
  },
  {
    what: 'the frontier Merkle node 3/4 (leaves 32–39) is changed',
    change: node(3, 4),
    index: LAST,
    codes: ['node_mismatch'],
    opens: false,
  },
  { what: 'the frontier Merkle node 5/0 (leaves 0–31) is changed', change: node(5, 0), index: 31, codes: ['node_mismatch'], opens: false },
  {
    what: 'the last entry is deleted',
    change: remove(entryKey(LAST)),
    index: LAST,
    codes: ['entry_missing', 'node_mismatch'],
    opens: false,
  },
  {
    what: 'the subject note of checkpoint 17 is re-signed with the operator key over another map root',
    change: subjectNote(17, { root: new Uint8Array(32).fill(7) }),
    index: 16,
    codes: ['subjects_mismatch'],
    opens: true,
  },
  { what: 'the subject note of checkpoint 17 is removed', change: subjectNote(17), index: 16, codes: ['subjects_mismatch'], opens: true },
  { what: 'the head pointer is deleted', change: remove(HEAD_KEY), index: LAST, codes: ['checkpoint_missing'], opens: false },
  {
    what: 'the head pointer is rolled back to the previous checkpoint',
    change: rolledBackHead,
    index: 37,
    codes: ['checkpoint_missing'],
    opens: false,
  },
  {
    what: "the head pointer's chain head is changed",
    change: editHead((t) => t.replace(/"head":"(.)/, (_m, c: string) => `"head":"${c === '0' ? '1' : '0'}`)),
    index: LAST,
    codes: ['checkpoint_mismatch'],
    opens: false,
  },
];

describe('anxin verify --data on a tampered ledger', () => {
  test('the pristine ledger verifies (exit 0) and opens', async () => {
    expect(checkpointSizes).toEqual([1, 5, 9, 13, 17, 21, 25, 29, 33, 37, 40]);
    const run = await verifyCli(pristine);
    expect(run.code).toBe(0);
    expect(reportOf(run)).toMatchObject({ ok: true, size: SIZE, errors: [] });
    expect(await openDamaged(pristine)).toBeUndefined();
  });

  describe.each(cases)('when $what', ({ change, index, codes, opens }) => {
    let dir: string;
    beforeAll(async () => {
      dir = await damaged(change);
    });

    test(`exits 1 and the report names index ${index} first`, async () => {
      const run = await verifyCli(dir);
      const report = reportOf(run);
      expect(run.code).toBe(1);
      expect(report.ok).toBe(false);
      expect(report.errors[0]).toMatchObject({ index });
      expect(report.errors.filter((e) => e.index === index).map((e) => e.code)).toEqual(expect.arrayContaining([codes[0]]));
      expect(codes).toContain(report.errors[0].code);
      expect(run.stderr).toContain(`FAILED at index ${index}`);
    });

    if (opens)
      test('Ledger.open still succeeds: the damage is beyond the O(log n) open-time checks', async () => {
        expect(await openDamaged(dir)).toBeUndefined();
      });
    else
      test('Ledger.open fails with LEDGER_CORRUPT', async () => {
        expect(await openDamaged(dir)).toMatchObject({ name: 'LedgerError', code: 'LEDGER_CORRUPT' });
      });
  });
});
