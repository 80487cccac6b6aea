/**
 * Every vector of test/vectors/c2sp-v1.json (SPEC §12), reproduced byte for byte
 * with both suites (node:crypto and @noble, since the same code runs in browsers):
 * verifier keys (c2sp.org/signed-note), tile paths, the tile layout of a tree of
 * 70,000, the tiles, bundle and checkpoint of an 8-entry anxin log and of a
 * synthetic 600-entry log (c2sp.org/tlog-tiles), a cosignature/v1
 * (c2sp.org/tlog-cosignature) and an add-checkpoint exchange (c2sp.org/tlog-witness).
 */
import {
  checkAddCheckpoint,
  computeKeyId,
  COSIGNATURE_TYPE,
  cosignedMessage,
  decodeBundle,
  ED25519_TYPE,
  encodeBundle,
  formatAddCheckpoint,
  formatNote,
  formatTilePath,
  formatVkey,
  fromBase64,
  fromBase64Url,
  leafHash,
  nodeSuite,
  parseAddCheckpoint,
  parseNote,
  parseTilePath,
  parseVkey,
  readTile,
  rootFromLeaves,
  sha256,
  signCosignature,
  signNoteLine,
  tileLayout,
  tilesOf,
  toBase64,
  toHex,
  utf8,
  verifyConsistency,
  verifyCosignature,
  verifyNoteSignature,
  type NodeId,
  type Suite,
} from '../../ledger/index.js';
import { nobleSuite } from '../../ledger/suite-noble.js';
import { formatCheckpointText } from '../../ledger/checkpoint.js';
import { anxinVectors, c2sp } from './vectors.js';

/** Hashes of perfect subtrees over a list of leaves: a NodeReader for tiles, computed from scratch. */
const memoryReader = (suite: Suite, leaves: Uint8Array[]) => async (ids: readonly NodeId[]) =>
  ids.map((id) => rootFromLeaves(suite, leaves.slice(id.index * 2 ** id.level, (id.index + 1) * 2 ** id.level)));

const seed = (b64url: string) => fromBase64Url(b64url)!;

describe.each([
  ['node:crypto', nodeSuite],
  ['@noble', nobleSuite],
])('C2SP vectors with %s', (_name, suite: Suite) => {
  describe('verifier keys', () => {
    it('when the log key is given, then its vkey is the vector and parses back', () => {
      const v = c2sp.vkeys.log;
      expect(formatVkey(suite, v.name, ED25519_TYPE, seed(v.publicKey)).vkey).toBe(v.vkey);
      const parsed = parseVkey(suite, v.vkey)!;
      expect(parsed).toMatchObject({ name: v.name, type: ED25519_TYPE });
      expect(toHex(parsed.publicKey)).toBe(toHex(seed(v.publicKey)));
    });

    it('when the witness seed is given, then its public key and vkey (type 0x04) are the vector', () => {
      const v = c2sp.vkeys.witness;
      const pub = suite.publicKey(seed(v.seed));
      expect(toHex(pub)).toBe(toHex(seed(v.publicKey)));
      expect(formatVkey(suite, v.name, COSIGNATURE_TYPE, pub).vkey).toBe(v.vkey);
      expect(parseVkey(suite, v.vkey)?.type).toBe(COSIGNATURE_TYPE);
    });

    it('when a vkey has a wrong key ID, a bad type, a space or a short key, then it does not parse', () => {
      const v: string = c2sp.vkeys.log.vkey;
      const [name, id, key] = v.split('+');
      expect(parseVkey(suite, `${name}+${id.replace(/.$/, (c) => (c === '0' ? '1' : '0'))}+${key}`)).toBeUndefined();
      expect(parseVkey(suite, `${name}+${id}+${toBase64(new Uint8Array([0x02, ...fromBase64(key)!.subarray(1)]))}`)).toBeUndefined();
      expect(parseVkey(suite, `a b+${id}+${key}`)).toBeUndefined();
      expect(parseVkey(suite, `${name}+${id}+${toBase64(fromBase64(key)!.subarray(0, 20))}`)).toBeUndefined();
      expect(parseVkey(suite, `${v}+`)).toBeUndefined();
    });
  });

  describe('tile paths', () => {
    it.each(c2sp.tilePaths as any[])('when the tile is $path, then format and parse agree', (t) => {
      const path: string = t.path;
      const ref = { level: t.entries ? ('entries' as const) : t.level, index: t.index, width: t.width };
      expect(formatTilePath(ref)).toBe(path);
      expect(parseTilePath(path)).toEqual(ref);
    });

    it.each([
      'tile/0/x000/001',
      'tile/0/01',
      'tile/0/000.p/256',
      'tile/0/000.p/0',
      'tile/0/000.p/07',
      'tile/64/000',
      'tile/00/000',
      'tile/0/x1/000',
      'tile/entries/000.p/',
      'tile//000',
    ])('when the path is %s, then it is not a tile path', (path) => expect(parseTilePath(path)).toBeUndefined());

    it('when the tree has 70,000 leaves, then its layout is the vector (273 full level-0 tiles, widths 112, 17, 1)', () => {
      expect(tileLayout(70_000)).toEqual(c2sp.layout70000);
      expect(tileLayout(256)).toEqual([
        [0, 1, 0],
        [1, 0, 1],
      ]);
      expect(tileLayout(0)).toEqual([]);
    });
  });

  describe('the 8-entry anxin log', () => {
    const log = c2sp.anxinLog;
    const leaves = log.entries.map((e: string) => leafHash(suite, utf8(e)));

    it('when its entries are hashed, then the level-0 tile is the vector', async () => {
      const ref = parseTilePath(log.tile.path)!;
      expect(toHex(await readTile(ref, memoryReader(suite, leaves)))).toBe(log.tile.hex);
    });

    it('when its entries are bundled, then the bundle is the vector and decodes back', () => {
      const bundle = encodeBundle(log.entries.map((e: string) => utf8(e)));
      expect(toHex(bundle)).toBe(log.bundle.hex);
      expect(decodeBundle(bundle)!.map((b) => new TextDecoder().decode(b))).toEqual(log.entries);
    });

    it('when it is signed with the operator key, then the checkpoint is the vector byte for byte', () => {
      const text = formatCheckpointText(log.origin, log.size, rootFromLeaves(suite, leaves));
      const note = formatNote(text, [signNoteLine(suite, log.origin, seed(anxinVectors.keys.operator.seed), text)]);
      expect(note).toBe(log.checkpoint);
      const parsed = parseNote(note)!;
      expect(verifyNoteSignature(suite, parsed.text, parsed.signatures[0], parseVkey(suite, c2sp.vkeys.log.vkey)!)).toBe(true);
    });
  });

  describe('the synthetic 600-entry log', () => {
    const data = Array.from({ length: 600 }, (_, i) => utf8(`entry ${i}`));
    const leaves = data.map((d) => leafHash(suite, d));
    const read = memoryReader(suite, leaves);

    it('when it is built, then its root and every tile and bundle are the vector', async () => {
      expect(toHex(rootFromLeaves(suite, leaves))).toBe(c2sp.synthetic600.root);
      const paths = tilesOf(600).map(formatTilePath);
      for (const t of c2sp.synthetic600.tiles) {
        expect(paths).toContain(t.path);
        const bytes = await readTile(parseTilePath(t.path)!, read);
        if (t.hex) expect(toHex(bytes)).toBe(t.hex);
        else expect(toHex(sha256(bytes))).toBe(t.sha256);
      }
      for (const b of c2sp.synthetic600.bundles) {
        const ref = parseTilePath(b.path)!;
        const bundle = encodeBundle(data.slice(ref.index * 256, ref.index * 256 + ref.width));
        expect(toHex(sha256(bundle))).toBe(b.sha256);
      }
    });

    it('when every tile of the tree is listed, then it has three level-0 tiles, one partial level-1 tile and three bundles', () => {
      expect(tilesOf(600).map(formatTilePath)).toEqual([
        'tile/0/000',
        'tile/0/001',
        'tile/0/002.p/88',
        'tile/entries/000',
        'tile/entries/001',
        'tile/entries/002.p/88',
        'tile/1/000.p/2',
      ]);
    });
  });

  describe('cosignature/v1', () => {
    const v = c2sp.cosignature;
    const witness = parseVkey(suite, c2sp.vkeys.witness.vkey)!;

    it('when the witness cosigns the checkpoint at the vector time, then the message and line are the vector', () => {
      expect(cosignedMessage(v.checkpointText, v.time)).toBe(v.signedMessage);
      const line = signCosignature(suite, v.witness, seed(c2sp.vkeys.witness.seed), v.checkpointText, v.time);
      expect(line).toBe(v.line);
      expect(formatNote(v.checkpointText, [...parseNote(c2sp.anxinLog.checkpoint)!.signatures.map((s) => s.line), line])).toBe(
        v.cosignedCheckpoint,
      );
    });

    it('when the cosigned checkpoint is parsed, then both signatures verify, each with its own key type', () => {
      const note = parseNote(v.cosignedCheckpoint)!;
      expect(note.signatures).toHaveLength(2);
      const [log, cosig] = note.signatures;
      expect(verifyNoteSignature(suite, note.text, log, parseVkey(suite, c2sp.vkeys.log.vkey)!)).toBe(true);
      expect(verifyCosignature(suite, note.text, cosig, witness)).toMatchObject({ time: v.time });
      // A cosignature is not a plain note signature, and the log's signature is not a cosignature.
      expect(verifyNoteSignature(suite, note.text, cosig, witness)).toBe(false);
      expect(verifyCosignature(suite, note.text, log, witness)).toBeUndefined();
    });

    it('when the timestamp or the text is changed, then the cosignature does not verify', () => {
      const note = parseNote(v.cosignedCheckpoint)!;
      const cosig = note.signatures[1];
      const bumped = { ...cosig, signature: cosig.signature.slice() };
      bumped.signature[7] ^= 1;
      expect(verifyCosignature(suite, note.text, bumped, witness)).toBeUndefined();
      expect(verifyCosignature(suite, note.text.replace('\n8\n', '\n9\n'), cosig, witness)).toBeUndefined();
      expect(computeKeyId(suite, v.witness, COSIGNATURE_TYPE, witness.publicKey)).toBe(cosig.keyId);
    });
  });

  describe('add-checkpoint', () => {
    const v = c2sp.addCheckpoint;
    const logKey = parseVkey(suite, c2sp.vkeys.log.vkey)!;
    const oldRoot = fromBase64(v.oldCheckpointText.split('\n')[2])!;

    it('when the request is parsed and formatted again, then it is the vector and its proof verifies', () => {
      const req = parseAddCheckpoint(v.request)!;
      expect(req.old).toBe(3);
      expect(formatAddCheckpoint(req)).toBe(v.request);
      const newRoot = fromBase64(c2sp.cosignature.checkpointText.split('\n')[2])!;
      expect(verifyConsistency(suite, 3, 8, oldRoot, newRoot, req.proof)).toBe(true);
    });

    it('when a witness that cosigned size 3 checks it, then it may cosign, and the response line is the vector', () => {
      const out = checkAddCheckpoint(suite, v.request, (o) =>
        o === logKey.name ? { origin: o, keys: [logKey], size: 3, root: oldRoot } : undefined,
      );
      expect(out.status).toBe(200);
      const line = signCosignature(
        suite,
        c2sp.cosignature.witness,
        seed(c2sp.vkeys.witness.seed),
        c2sp.cosignature.checkpointText,
        c2sp.cosignature.time,
      );
      expect(line + '\n').toBe(v.responseBody);
    });

    it('when the witness last cosigned another size, then it answers 409 with that size', () => {
      const out = checkAddCheckpoint(suite, v.request.replace('old 3', 'old 0'), (o) => ({
        origin: o,
        keys: [logKey],
        size: 3,
        root: oldRoot,
      }));
      expect(out).toMatchObject({ status: 409, size: 3 });
      expect(`${(out as { size: number }).size}\n`).toBe(v.conflictResponse.body);
    });
  });
});
