/**
 * An outside reference for the tiles writer: transparency-dev/tessera's 15-entry
 * POSIX test log (test/vectors/c2sp/tessera-testdata, see its README). Rebuilt
 * here from its fifteen entries and its signing key, one entry at a time through
 * the same incremental writer `anxin tiles` uses, every checkpoint, tile and
 * entry bundle must come out byte for byte as Tessera wrote it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  ED25519_TYPE,
  formatNote,
  formatVkey,
  fromBase64,
  leafHash,
  nodeSuite,
  rootFromLeaves,
  signNoteLine,
  utf8,
  type NodeId,
} from '../../ledger/index.js';
import { formatCheckpointText } from '../../ledger/checkpoint.js';
import { writeTileFiles, type TileSource } from '../../src/tlog/files.js';
import { TESSERA_DIR } from './vectors.js';

const WORDS = 'one two three four five six seven eit nain ten ileven twelf threeten fourten fivten'.split(' ');
const ORIGIN = 'example.com/log/testdata';
// From the README: Go note private key "PRIVATE+KEY+<name>+<id>+base64(0x01 ‖ seed)".
const PRIVATE = 'PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg';
const VKEY = 'example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx';

const seed = fromBase64(PRIVATE.split('+').slice(4).join('+'))!.subarray(1);
const data = WORDS.map((w) => utf8(w));
const leaves = data.map((d) => leafHash(nodeSuite, d));

const source = (size: number): TileSource => ({
  size,
  nodes: async (ids: readonly NodeId[]) =>
    ids.map((id) => rootFromLeaves(nodeSuite, leaves.slice(id.index * 2 ** id.level, (id.index + 1) * 2 ** id.level))),
  entryBytes: (i) => data[i],
});

const checkpoint = (size: number): string => {
  const text = formatCheckpointText(ORIGIN, size, rootFromLeaves(nodeSuite, leaves.slice(0, size)));
  return formatNote(text, [signNoteLine(nodeSuite, ORIGIN, seed, text)]);
};

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => relative(dir, join(dir, f)))
    .sort();

describe("Tessera's 15-entry test log, rebuilt", () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'anxin-tessera-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('when the signing key is read, then its vkey is the one the README names', () => {
    expect(formatVkey(nodeSuite, ORIGIN, ED25519_TYPE, nodeSuite.publicKey(seed)).vkey).toBe(VKEY);
  });

  it('when the log grows one entry at a time, then each checkpoint is checkpoint.N byte for byte', () => {
    for (let n = 0; n <= 15; n++) expect(checkpoint(n)).toBe(readFileSync(join(TESSERA_DIR, `checkpoint.${n}`), 'utf8'));
    expect(checkpoint(15)).toBe(readFileSync(join(TESSERA_DIR, 'checkpoint'), 'utf8'));
  });

  it('when the incremental writer follows it, then every tile and bundle file is Tessera’s, and there are no others', async () => {
    let written = 0;
    for (let n = 1; n <= 15; n++) written += await writeTileFiles(source(n), out, n - 1, [n]);
    const theirs = filesUnder(join(TESSERA_DIR, 'tile'));
    expect(filesUnder(join(out, 'tile'))).toEqual(theirs);
    expect(written).toBe(theirs.length);
    for (const f of theirs)
      expect({ f, bytes: readFileSync(join(out, 'tile', f)) }).toEqual({ f, bytes: readFileSync(join(TESSERA_DIR, 'tile', f)) });
  });

  it('when the writer runs again over the same sizes, then it writes nothing (tiles are immutable)', async () => {
    expect(await writeTileFiles(source(15), out, 0, [3, 9, 15])).toBe(0);
  });
});
