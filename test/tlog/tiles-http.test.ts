/**
 * The log under /tlog (SPEC §12, c2sp.org/tlog-tiles) on a real service over
 * real HTTP: an independent client rebuilds the checkpoint root from /tlog alone;
 * every tile of every signed size is served with the right headers; nothing past
 * the log is; public reads carry CORS; an entry over 65,535 bytes is refused.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import {
  decodeBundle,
  formatTilePath,
  MAX_ENTRY_BYTES,
  nodeSuite,
  parseNote,
  parseVkey,
  tilesOf,
  verifyNoteSignature,
} from '../../ledger/index.js';
import { signEvent, type Fixture } from '../helpers/fixture.js';
import { CLI, requireDist } from '../ledger/support.js';
import { appendNotes, listen, rfcLeaf, rfcRoot, startNoteFixture } from './helpers.js';

let f: Fixture;
let http: Awaited<ReturnType<typeof listen>>;
let sizes: number[];

beforeAll(async () => {
  f = await startNoteFixture();
  // 1 genesis + 1 registration, then 600 notes in checkpoints of 37: partial tiles of many widths, two full level-0 tiles.
  sizes = [f.ledger.size, ...(await appendNotes(f, 600, 37))];
  http = await listen(f.app);
});
afterAll(async () => {
  await http.close();
  await f.close();
});

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(http.url + path, { headers: { 'accept-encoding': 'identity', ...headers } });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
};

describe('an independent client of /tlog', () => {
  it('when it reads only /tlog and the pinned vkey, then it verifies the checkpoint and rebuilds its root from the tiles and bundles', async () => {
    const { vkey } = (await request(f.app).get('/v1/ledger')).body;
    const key = parseVkey(nodeSuite, vkey)!;
    const { res, bytes } = await get('/tlog/checkpoint');
    expect(res.status).toBe(200);
    const note = parseNote(bytes.toString('utf8'))!;
    expect(verifyNoteSignature(nodeSuite, note.text, note.signatures[0], key)).toBe(true);
    const [origin, sizeLine, rootLine] = note.text.split('\n');
    expect(origin).toBe(f.ledger.origin);
    const size = Number(sizeLine);

    // Leaves from the bundles (RFC 6962 leaf hashes of the bytes served), checked against the level-0 tiles.
    const leaves: Buffer[] = [];
    for (let n = 0; n * 256 < size; n++) {
      const width = Math.min(256, size - n * 256);
      const suffix = width < 256 ? `.p/${width}` : '';
      const name = String(n).padStart(3, '0');
      const bundle = decodeBundle((await get(`/tlog/tile/entries/${name}${suffix}`)).bytes)!;
      expect(bundle).toHaveLength(width);
      const fromBundle = bundle.map((e) => rfcLeaf(Buffer.from(e)));
      const tile = (await get(`/tlog/tile/0/${name}${suffix}`)).bytes;
      expect(Buffer.concat(fromBundle).equals(tile)).toBe(true);
      leaves.push(...fromBundle);
    }
    expect(rfcRoot(leaves).toString('base64')).toBe(rootLine);

    // The level-1 tile holds the root of each full level-0 tile.
    const level1 = (await get(`/tlog/tile/1/000.p/${Math.floor(size / 256)}`)).bytes;
    for (let n = 0; n < Math.floor(size / 256); n++)
      expect(level1.subarray(32 * n, 32 * n + 32).equals(rfcRoot(leaves.slice(256 * n, 256 * (n + 1))))).toBe(true);
  });

  it('when a bundle entry is parsed, then it is JCS({index, at, event}) of the entry, whose leaf is the entry’s leaf', async () => {
    const bundle = decodeBundle((await get('/tlog/tile/entries/000')).bytes)!;
    const e = f.ledger.entry(5)!;
    const text = Buffer.from(bundle[5]).toString('utf8');
    expect(JSON.parse(text)).toEqual({ index: 5, at: e.at, event: e.event });
    expect(rfcLeaf(Buffer.from(bundle[5])).toString('hex')).toBe(e.leaf);
  });
});

describe('GET /tlog/tile/…', () => {
  it('when each signed size is taken, then every tile and bundle it needs is served, immutable, as octets', async () => {
    const all = new Set(sizes.flatMap((s) => tilesOf(s).map(formatTilePath)));
    for (const path of all) {
      const res = await request(f.app).get(`/tlog/${path}`).set('accept-encoding', 'identity');
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['access-control-allow-origin']).toBe('*');
    }
  });

  it('when a client accepts gzip, then a bundle comes gzip-encoded and decodes to the same bytes', async () => {
    const plain = (await get('/tlog/tile/entries/001')).bytes;
    const res = await fetch(`${http.url}/tlog/tile/entries/001`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(Buffer.from(await res.arrayBuffer()).equals(plain)).toBe(true); // fetch decodes it
  });

  it.each([
    ['a full tile past the log', () => `tile/0/${String(Math.ceil(f.ledger.size / 256)).padStart(3, '0')}`],
    ['a partial tile wider than the log', () => `tile/0/002.p/${(f.ledger.size % 256) + 1}`],
    ['a bundle past the log', () => 'tile/entries/x001/000'],
    ['a full level-1 tile of a log under 65,536', () => 'tile/1/000'],
    ['a non-canonical path', () => 'tile/0/0'],
    ['a path outside the tiles', () => 'tiles/0/000'],
  ])('when the path is %s, then it is 404 not_found and not cached', async (_what, path) => {
    const res = await request(f.app).get(`/tlog/${path()}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    expect(res.headers['cache-control']).toBe('no-cache');
  });
});

describe('GET /tlog/checkpoint', () => {
  it('when there is no witness policy, then it is the newest signed checkpoint as text, not cached', async () => {
    const res = await request(f.app).get('/tlog/checkpoint').buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).toBe(f.ledger.checkpoint.note);
  });
});

describe('CORS on public reads (SPEC §12)', () => {
  it.each([
    '/v1/ledger',
    '/v1/checkpoint',
    '/v1/proofs/consistency?from=1&to=2',
    '/v1/actors/regulator',
    '/v1/trace/NOPE',
    '/tlog/checkpoint',
  ])('when %s is read, then it answers Access-Control-Allow-Origin: *', async (path) => {
    const { res } = await get(path);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('when a non-public read (/v1/entries) is made, then it carries no CORS header', async () => {
    const { res } = await get('/v1/entries');
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('when a page on another origin asks to send a signed card read, then the preflight allows GET with the signature headers', async () => {
    const res = await request(f.app)
      .options('/v1/cards/C-1')
      .set('origin', 'https://verifier.example')
      .set('access-control-request-method', 'GET')
      .set('access-control-request-headers', 'signature,signature-input');
    expect(res.status).toBe(204);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET',
      'access-control-allow-headers': 'signature, signature-input',
    });
    const read = await request(f.app).get('/v1/cards/C-1').set('origin', 'https://verifier.example');
    expect([read.status, read.headers['access-control-allow-origin']]).toEqual([401, '*']);
  });

  it('when another path is preflighted, then nothing allows it', async () => {
    const res = await request(f.app).options('/v1/events').set('access-control-request-method', 'POST');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('GET /v1/ledger', () => {
  it('when read, then vkey is the operator key as a signed-note verifier key named by the origin', async () => {
    const body = (await request(f.app).get('/v1/ledger')).body;
    const key = parseVkey(nodeSuite, body.vkey)!;
    expect(key.name).toBe(body.origin);
    expect(Buffer.from(key.publicKey).toString('base64url')).toBe(body.operatorKey);
  });
});

describe('the 65,535-byte entry cap', () => {
  /** A note whose canonical entry, at the next index and the fixture's time, is exactly `bytes` long. */
  const noteOfSize = (author: Parameters<typeof signEvent>[0], bytes: number) => {
    const probe = signEvent(author, 'test.note', { text: '' }, f.clock, { id: 'cap-probe-00' });
    const entryOf = (text: string) =>
      Buffer.byteLength(JSON.stringify({ at: f.clock.iso(), event: { ...probe, body: { text } }, index: f.ledger.size }));
    const base = entryOf('');
    return signEvent(author, 'test.note', { text: 'x'.repeat(bytes - base) }, f.clock, { id: 'cap-probe-00' });
  };

  it('when the canonical entry would be 65,536 bytes, then it is 413 payload_too_large and nothing is appended; at 65,535 it is accepted', async () => {
    const author = await f.register('cap-author', 'auditor');
    const before = f.state();
    const over = await f.postEnvelope(noteOfSize(author, MAX_ENTRY_BYTES + 1));
    expect(over.status).toBe(413);
    expect(over.body.code).toBe('payload_too_large');
    expect(f.state()).toEqual(before);
    const exact = await f.postEnvelope(noteOfSize(author, MAX_ENTRY_BYTES));
    expect(exact.status).toBe(201);
    const bundleIndex = Math.floor(exact.body.index / 256);
    const res = await get(`/tlog/tile/entries/${String(bundleIndex).padStart(3, '0')}.p/${(exact.body.index % 256) + 1}`);
    expect(decodeBundle(res.bytes)!.at(-1)!.length).toBe(MAX_ENTRY_BYTES);
  });
});

describe('anxin tiles --data DIR --out DIR', () => {
  beforeAll(requireDist);

  const filesUnder = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((p) => statSync(join(dir, p)).isFile())
      .map((p) => relative(dir, join(dir, p)))
      .sort();

  it('when run twice as the log grows, then the directory holds the checkpoint and byte-identical copies of what /tlog serves', async () => {
    const out = mkdtempSync(join(tmpdir(), 'anxin-tiles-'));
    try {
      const run = () => promisify(execFile)('node', [CLI, 'tiles', '--data', f.dir, '--out', out]);
      const first = JSON.parse((await run()).stdout);
      expect(first).toMatchObject({ from: 0, size: f.ledger.size });
      await appendNotes(f, 20, 7);
      const second = JSON.parse((await run()).stdout);
      expect(second).toMatchObject({ from: first.size, size: f.ledger.size });
      expect(readFileSync(join(out, 'checkpoint'), 'utf8')).toBe(f.ledger.checkpoint.note);
      for (const file of filesUnder(out).filter((p) => p.startsWith('tile/'))) {
        const served = await request(f.app)
          .get(`/tlog/${file}`)
          .set('accept-encoding', 'identity')
          .buffer(true)
          .parse((r, cb) => {
            const chunks: Buffer[] = [];
            r.on('data', (c: Buffer) => chunks.push(c));
            r.on('end', () => cb(null, Buffer.concat(chunks)));
          });
        expect({ file, same: Buffer.compare(served.body, readFileSync(join(out, file))) === 0 }).toEqual({ file, same: true });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
