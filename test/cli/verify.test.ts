/**
 * `anxin verify` and `anxin export` as a user runs them: the compiled CLI in a
 * child process, on a real (stopped) ledger. Exit 0 when valid, 1 with the JSON
 * report when not, 2 on bad arguments; `--data` never modifies the directory.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex, makeEntry, nodeSuite, writeKeyFile, keyFromSeed, type Entry } from '../../ledger/index.js';
import {
  OPERATOR,
  ORIGIN,
  anxin,
  fillTo,
  hashFiles,
  openLedger,
  registration,
  removeTempDirs,
  reportOf,
  requireDist,
  tempDir,
  testKey,
  verifyCli,
} from '../ledger/support.js';

const SIZE = 12;
let work: string;
let data: string;
let checkpoint: { size: number; root: string; head: string };
let entries: Entry[];

beforeAll(async () => {
  requireDist();
  work = tempDir('cli');
  data = join(work, 'data');
  const ledger = await openLedger(data);
  await fillTo(ledger, SIZE, 3);
  checkpoint = ledger.checkpoint;
  entries = Array.from({ length: SIZE }, (_, i) => ledger.entry(i)!);
  await ledger.close();
}, 60_000);
afterAll(removeTempDirs);

const pinned = ['--origin', ORIGIN, '--operator-key', OPERATOR.publicKey];
const verifyExport = (file: string) => anxin(['verify', '--export', file, ...pinned]);
const writeExport = (name: string, lines: string[]) => {
  const file = join(work, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
};
let exported: string[];
const exportLines = async () => {
  if (exported) return exported;
  const run = await anxin(['export', '--data', data]);
  expect(run.code).toBe(0);
  exported = run.stdout.trimEnd().split('\n');
  return exported;
};

describe('anxin verify --data', () => {
  describe('on a good ledger', () => {
    test('exits 0 with an ok report of its size, root and head', async () => {
      const run = await verifyCli(data);
      expect(run.code).toBe(0);
      expect(reportOf(run)).toEqual({ ok: true, size: SIZE, root: checkpoint.root, head: checkpoint.head, checked: SIZE, errors: [] });
    });

    test('accepts the operator key as a key file', async () => {
      const file = join(work, 'operator.pub.json');
      writeKeyFile(file, keyFromSeed(nodeSuite, 'operator', OPERATOR.seed));
      const run = await anxin(['verify', '--data', data, '--origin', ORIGIN, '--operator-key', file]);
      expect(run.code).toBe(0);
    });

    test('leaves the data directory byte for byte unchanged, as does anxin export', async () => {
      const before = hashFiles(data);
      expect(Object.keys(before)).toEqual(expect.arrayContaining(['CURRENT']));
      expect((await verifyCli(data)).code).toBe(0);
      expect(hashFiles(data)).toEqual(before);
      expect((await anxin(['export', '--data', data])).code).toBe(0);
      expect(hashFiles(data)).toEqual(before);
    });
  });

  test('takes an operator key that begins with a dash as the value of --operator-key', async () => {
    let dashed = testKey('operator', 'dash-0');
    for (let i = 1; !dashed.publicKey.startsWith('-'); i++) dashed = testKey('operator', `dash-${i}`);
    const run = await anxin(['verify', '--data', data, '--origin', ORIGIN, '--operator-key', dashed.publicKey]);
    expect(run.code).toBe(1);
    expect(reportOf(run).errors[0]).toMatchObject({ index: 0 });
  });

  describe('pinned to another operator key or origin', () => {
    test.each([
      ['another operator key', ['--origin', ORIGIN, '--operator-key', testKey('operator', 'impostor').publicKey]],
      ['another origin', ['--origin', 'elsewhere.test/ledger', '--operator-key', OPERATOR.publicKey]],
    ])('with %s, exits 1 naming the genesis entry (index 0)', async (_what, args) => {
      const run = await anxin(['verify', '--data', data, ...args]);
      expect(run.code).toBe(1);
      expect(reportOf(run).errors[0]).toMatchObject({
        index: 0,
        code: expect.stringMatching(/^(genesis_invalid|checkpoint_invalid|bad_signature)$/),
      });
    });
  });
});

describe('anxin with bad arguments', () => {
  test.each([
    ['neither --data nor --export', () => ['verify', ...pinned]],
    ['both --data and --export', () => ['verify', '--data', data, '--export', join(data, 'CURRENT'), ...pinned]],
    ['no --origin', () => ['verify', '--data', data, '--operator-key', OPERATOR.publicKey]],
    [
      'an --operator-key that is neither a key nor a key file',
      () => ['verify', '--data', data, '--origin', ORIGIN, '--operator-key', 'nope'],
    ],
    ['a data directory that does not exist', () => ['verify', '--data', join(work, 'missing'), ...pinned]],
    ['an unknown command', () => ['frobnicate']],
  ])('given %s, exits 2 with the usage and no report', async (_what, args) => {
    const run = await anxin(args());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage:');
    expect(run.stdout).toBe('');
  });
});

describe('anxin export --data, then anxin verify --export', () => {
  test('the export is a header { origin, operatorKey, checkpoint } and the entries as stored, and it verifies (exit 0)', async () => {
    const lines = await exportLines();
    expect(JSON.parse(lines[0])).toEqual({ origin: ORIGIN, operatorKey: OPERATOR.publicKey, checkpoint });
    expect(lines.slice(1).map((l) => JSON.parse(l))).toEqual(entries);
    const run = await verifyExport(writeExport('good.ndjson', lines));
    expect(run.code).toBe(0);
    expect(reportOf(run)).toMatchObject({ ok: true, size: SIZE, root: checkpoint.root, head: checkpoint.head });
  });

  describe('when the export is edited', () => {
    const cases: Array<[string, (lines: string[]) => string[], number, string]> = [
      [
        'one byte of entry 7 changes',
        (l) => l.map((s, i) => (i === 8 ? s.replace('"Producer 7"', '"Producer 8"') : s)),
        7,
        'leaf_mismatch',
      ],
      ['entry 5 is dropped', (l) => l.filter((_s, i) => i !== 6), 5, 'entry_missing'],
      ['the last entry is dropped', (l) => l.slice(0, -1), SIZE - 1, 'entry_missing'],
      [
        'an entry past the checkpoint is appended, validly chained and signed',
        (l) => {
          const last = entries[SIZE - 1];
          const forged = makeEntry(nodeSuite, SIZE, last.at, registration(SIZE, last.at), fromHex(last.hash)!);
          return [...l, JSON.stringify(forged)];
        },
        SIZE,
        'checkpoint_missing',
      ],
      [
        'the header names another operator key',
        (l) => [JSON.stringify({ ...JSON.parse(l[0]), operatorKey: testKey('operator', 'impostor').publicKey }), ...l.slice(1)],
        0,
        'genesis_invalid',
      ],
    ];
    test.each(cases)('so that %s, it exits 1 naming that index first', async (_what, edit, index, code) => {
      const lines = await exportLines();
      const edited = edit(lines);
      expect(edited).not.toEqual(lines);
      const run = await verifyExport(writeExport(`edited-${index}.ndjson`, edited));
      expect(run.code).toBe(1);
      expect(reportOf(run).errors[0]).toMatchObject({ index, code });
    });
  });

  test('an export that is not NDJSON fails (exit 1) rather than passing', async () => {
    const run = await verifyExport(writeExport('junk.ndjson', ['not json', readFileSync(join(data, 'CURRENT'), 'utf8')]));
    expect(run.code).toBe(1);
    expect(reportOf(run).ok).toBe(false);
  });
});
