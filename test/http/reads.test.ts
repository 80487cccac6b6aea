/**
 * The ledger's reads (SPEC §8): trust anchor, checkpoint, consistency proofs,
 * entry pages and single entries with inclusion proofs, and who may read them.
 */
import request from 'supertest';
import { logVkey } from '../../src/tlog/service.js';
import {
  fromBase64Url,
  fromHex,
  nodeSuite,
  rootFromLeaves,
  toHex,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  type Checkpoint,
  type Entry,
  type SigningKey,
} from '../../ledger/index.js';
import { ORIGIN, newKey, signEvent, startFixture, type Fixture } from '../helpers/fixture.js';
import { rejects } from '../helpers/outcomes.js';

let f: Fixture;
let auditor: SigningKey;
let producer: SigningKey;
let other: SigningKey;
/** The producer's own entry. */
let own: number;
/** Sizes inside one batch: no checkpoint was signed at them. */
let unsignedSize: number;
/** A checkpoint from a receipt, at a size below the latest. */
let older: Checkpoint;

beforeAll(async () => {
  f = await startFixture();
  auditor = await f.register('aud-1', 'auditor');
  producer = await f.register('prod-1', 'producer');
  other = await f.register('prod-2', 'producer');
  const rotated = newKey('prod-1');
  const res = await f.post(producer, 'actor.rotateKey', { publicKey: rotated.publicKey });
  producer = rotated;
  own = res.body.index;
  older = res.body.checkpoint;
  const events = ['aud-2', 'aud-3', 'aud-4'].map((id) =>
    signEvent(f.regulator, 'actor.register', { id, role: 'auditor', name: id, publicKey: newKey(id).publicKey }, f.clock),
  );
  const batch = await request(f.app).post('/v1/events/batch').send({ events });
  expect(batch.status).toBe(201);
  unsignedSize = batch.body.receipts[0].index + 1;
  for (let i = 0; i < 4; i++) await f.register(`aud-x${i}`, 'auditor');
});
afterAll(() => f.close());

const allEntries = (): Entry[] => Array.from({ length: f.ledger.size }, (_, i) => f.ledger.entry(i)!);
const operatorKey = () => fromBase64Url(f.operator.publicKey)!;

describe('GET /v1/ledger', () => {
  test('it returns the trust anchor: the origin, the operator key and its signed-note verifier key', async () => {
    const res = await request(f.app).get('/v1/ledger');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ origin: ORIGIN, operatorKey: f.operator.publicKey, vkey: logVkey(ORIGIN, f.operator.publicKey) });
  });
});

describe('GET /v1/checkpoint', () => {
  test("it returns the latest checkpoint, whose note verifies with the operator key and whose root and head are the log's", async () => {
    const res = await request(f.app).get('/v1/checkpoint');
    expect(res.status).toBe(200);
    const cp = res.body as Checkpoint;
    expect(verifyCheckpoint(nodeSuite, cp, ORIGIN, operatorKey())).toBeUndefined();
    const entries = allEntries();
    expect(cp.size).toBe(entries.length);
    expect(cp.root).toBe(
      toHex(
        rootFromLeaves(
          nodeSuite,
          entries.map((e) => fromHex(e.leaf)!),
        ),
      ),
    );
    expect(cp.head).toBe(entries.at(-1)!.hash);
  });

  test('its note does not verify with another key', async () => {
    const cp = (await request(f.app).get('/v1/checkpoint')).body as Checkpoint;
    expect(verifyCheckpoint(nodeSuite, cp, ORIGIN, fromBase64Url(newKey('x').publicKey)!)).toBeDefined();
  });
});

describe('GET /v1/proofs/consistency', () => {
  test('when both sizes are in range, then the proof verifies between the checkpoints at those sizes', async () => {
    const latest = (await request(f.app).get('/v1/checkpoint')).body as Checkpoint;
    const res = await request(f.app).get(`/v1/proofs/consistency?from=${older.size}&to=${latest.size}`);
    expect(res.status).toBe(200);
    expect(res.body.from).toBe(older.size);
    expect(res.body.to).toBe(latest.size);
    const proof = res.body.proof.map((h: string) => fromHex(h)!);
    expect(verifyConsistency(nodeSuite, older.size, latest.size, fromHex(older.root)!, fromHex(latest.root)!, proof)).toBe(true);
    expect(verifyConsistency(nodeSuite, older.size, latest.size, fromHex(latest.root)!, fromHex(latest.root)!, proof)).toBe(false);
  });

  test('when from equals to, then the proof is empty', async () => {
    const res = await request(f.app).get(`/v1/proofs/consistency?from=3&to=3`);
    expect(res.body).toEqual({ from: 3, to: 3, proof: [] });
  });

  test.each([
    ['to is missing', 'from=1'],
    ['from is missing', 'to=1'],
    ['from is not a number', 'from=a&to=1'],
    ['to is negative', 'from=0&to=-1'],
  ])('when %s, then 400 invalid_request', async (_what, query) => {
    await rejects(f, () => request(f.app).get(`/v1/proofs/consistency?${query}`), 'invalid_request');
  });

  test.each([
    ['from is above to', () => 'from=3&to=2'],
    ['to is above the ledger size', () => `from=1&to=${f.ledger.size + 1}`],
  ])('when %s, then 404 not_found', async (_what, query) => {
    await rejects(f, () => request(f.app).get(`/v1/proofs/consistency?${query()}`), 'not_found');
  });
});

describe('GET /v1/entries', () => {
  test('when a regulator follows next from the first page, then it reads every entry once, in order, and next ends as null', async () => {
    const seen: Entry[] = [];
    let path: string | null = '/v1/entries?limit=3';
    let pages = 0;
    while (path) {
      const res = await f.get(path, f.regulator);
      expect(res.status).toBe(200);
      expect(res.body.entries.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.entries);
      path = res.body.next;
      pages++;
    }
    expect(seen).toEqual(allEntries());
    expect(pages).toBe(Math.ceil(f.ledger.size / 3));
  });

  test('when from and limit are given, then next continues after the page', async () => {
    const res = await f.get('/v1/entries?from=2&limit=2', auditor);
    expect(res.status).toBe(200);
    expect(res.body.entries.map((e: Entry) => e.index)).toEqual([2, 3]);
    expect(res.body.next).toBe('/v1/entries?from=4&limit=2');
  });

  test('when the page reaches the end, then next is null', async () => {
    const res = await f.get(`/v1/entries?from=${f.ledger.size - 1}`, auditor);
    expect(res.body.entries).toHaveLength(1);
    expect(res.body.next).toBeNull();
  });

  test('when from is past the end, then the page is empty and next is null', async () => {
    const res = await f.get(`/v1/entries?from=${f.ledger.size + 10}`, auditor);
    expect(res.body).toEqual({ entries: [], next: null });
  });

  test('when no limit is given, then a page holds at most 100 entries', async () => {
    const res = await f.get('/v1/entries', auditor);
    expect(res.body.entries).toHaveLength(Math.min(100, f.ledger.size));
  });

  test('when the request is unsigned, then 401 unauthenticated', async () => {
    await rejects(f, () => request(f.app).get('/v1/entries'), 'unauthenticated');
  });

  test('when a producer reads, then 403 forbidden', async () => {
    await rejects(f, () => f.get('/v1/entries', producer), 'forbidden');
  });

  test('when limit is not an integer, then 400 invalid_request', async () => {
    await rejects(f, () => f.get('/v1/entries?limit=ten', auditor), 'invalid_request');
  });
});

describe('GET /v1/entries/{index}', () => {
  const checkProof = (body: { entry: Entry; proof: { size: number; path: string[] }; checkpoint: Checkpoint }) => {
    expect(verifyCheckpoint(nodeSuite, body.checkpoint, ORIGIN, operatorKey())).toBeUndefined();
    expect(body.proof.size).toBe(body.checkpoint.size);
    return verifyInclusion(
      nodeSuite,
      body.entry.index,
      body.proof.size,
      fromHex(body.entry.leaf)!,
      body.proof.path.map((h) => fromHex(h)!),
      fromHex(body.checkpoint.root)!,
    );
  };

  test.each([
    ['a regulator', () => f.regulator],
    ['an auditor', () => auditor],
    ["the entry's actor", () => producer],
  ])('when %s reads an entry, then it gets the entry with an inclusion proof against the latest checkpoint', async (_who, key) => {
    const res = await f.get(`/v1/entries/${own}`, key());
    expect(res.status).toBe(200);
    expect(res.body.entry).toEqual(f.ledger.entry(own));
    expect(res.body.checkpoint).toEqual(f.ledger.checkpoint);
    expect(checkProof(res.body)).toBe(true);
  });

  test('when another actor reads the entry, then 403 forbidden', async () => {
    await rejects(f, () => f.get(`/v1/entries/${own}`, other), 'forbidden');
  });

  test('when the request is unsigned, then 401 unauthenticated', async () => {
    await rejects(f, () => request(f.app).get(`/v1/entries/${own}`), 'unauthenticated');
  });

  test('when the index is past the end, then 404 not_found', async () => {
    await rejects(f, () => f.get(`/v1/entries/${f.ledger.size}`, f.regulator), 'not_found');
  });

  test('when ?size= names a size with a signed checkpoint, then the proof is against that (older) checkpoint', async () => {
    const res = await f.get(`/v1/entries/${own}?size=${older.size}`, producer);
    expect(res.status).toBe(200);
    expect(res.body.checkpoint).toEqual(older);
    expect(checkProof(res.body)).toBe(true);
  });

  test('when ?size= names a size at which no checkpoint was signed, then 404 not_found', async () => {
    expect(f.ledger.checkpointAt(unsignedSize)).toBeUndefined();
    await rejects(f, () => f.get(`/v1/entries/${own}?size=${unsignedSize}`, f.regulator), 'not_found');
  });

  test('when ?size= does not cover the entry, then 404 not_found', async () => {
    await rejects(f, () => f.get(`/v1/entries/${own}?size=${own}`, f.regulator), 'not_found');
  });

  test('when ?size= is past the ledger size, then 404 not_found', async () => {
    await rejects(f, () => f.get(`/v1/entries/${own}?size=${f.ledger.size + 1}`, f.regulator), 'not_found');
  });

  test('the genesis entry is readable by a regulator and proves into the latest checkpoint', async () => {
    const res = await f.get('/v1/entries/0', f.regulator);
    expect(res.body.entry.event.type).toBe('ledger.genesis');
    expect(checkProof(res.body)).toBe(true);
  });
});

describe('GET /healthz', () => {
  test('it answers ok with the durable size', async () => {
    const res = await request(f.app).get('/healthz');
    expect(res.body).toEqual({ ok: true, size: f.ledger.size });
  });
});
