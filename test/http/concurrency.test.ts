/**
 * Concurrency: 500 events posted in parallel by 20 actors get gap-free
 * indexes; every receipt's inclusion proof verifies against its checkpoint, and
 * every checkpoint handed out is consistent with every other.
 */
import request from 'supertest';
import {
  entryLeaf,
  fromBase64Url,
  fromHex,
  nodeSuite,
  signRequest,
  toHex,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  verifyLog,
  type Checkpoint,
  type Envelope,
  type Receipt,
  type SigningKey,
} from '../../ledger/index.js';
import { Catalogue } from '../../src/domain/catalogue.js';
import { domainReplay } from '../../src/domain/replay.js';
import { DOMAINS } from '../../src/plugins.js';
import { ORIGIN, newKey, signEvent, startFixture, type Fixture } from '../helpers/fixture.js';
import { listen } from './support.js';

const ACTORS = 20;
const PER_ACTOR = 25;

let f: Fixture;
let server: Awaited<ReturnType<typeof listen>>;
let base: number;
const posted: Array<{ event: Envelope; status: number; receipt: Receipt }> = [];

/** Runs `fn` over `items` with at most `width` in flight. */
const pool = async <T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
};

const signedGet = (path: string, key: SigningKey) => {
  const h = signRequest(nodeSuite, key, { method: 'GET', target: path }, Math.floor(f.clock.ms / 1000));
  return request(server.url).get(path).set('Signature-Input', h['Signature-Input']).set('Signature', h.Signature);
};

beforeAll(async () => {
  f = await startFixture();
  server = await listen(f);
  const regulators = Array.from({ length: ACTORS }, (_, i) => newKey(`reg-c${i}`));
  const setup = await request(server.url)
    .post('/v1/events/batch')
    .send({
      events: regulators.map((k) =>
        signEvent(f.regulator, 'actor.register', { id: k.id, role: 'regulator', name: `监管 ${k.id}`, publicKey: k.publicKey }, f.clock),
      ),
    });
  expect(setup.status).toBe(201);
  base = f.ledger.size;

  const { publicKey } = newKey('shared');
  const events = regulators.flatMap((k, r) =>
    Array.from({ length: PER_ACTOR }, (_, j) =>
      signEvent(k, 'actor.register', { id: `aud-c${r}-${j}`, role: 'auditor', name: `auditor ${r}/${j}`, publicKey }, f.clock),
    ),
  );
  // All 500 in flight at once, interleaving the 20 actors.
  const answers = await Promise.all(events.map((event) => request(server.url).post('/v1/events').send(event)));
  answers.forEach((a, i) => posted.push({ event: events[i], status: a.status, receipt: a.body }));
}, 120_000);

afterAll(async () => {
  await server.close();
  await f.close();
});

test('every one of the 500 events is accepted', () => {
  expect(posted).toHaveLength(ACTORS * PER_ACTOR);
  expect(posted.filter((p) => p.status !== 201).map((p) => [p.status, p.receipt])).toEqual([]);
});

test('the indexes are gap-free: exactly base..base+499, and the ledger holds 0..size-1 with nothing else', () => {
  const indexes = posted.map((p) => p.receipt.index).sort((a, b) => a - b);
  expect(indexes).toEqual(Array.from({ length: posted.length }, (_, i) => base + i));
  expect(f.ledger.size).toBe(base + posted.length);
});

test("each receipt names the entry holding its event, and its leaf is that event's leaf at that index and time", () => {
  for (const { event, receipt } of posted) {
    expect(f.ledger.entry(receipt.index)!.event).toEqual(event);
    expect(toHex(entryLeaf(nodeSuite, receipt.index, receipt.at, event))).toBe(receipt.leaf);
    expect(f.ledger.entry(receipt.index)!.hash).toBe(receipt.hash);
  }
});

test("every receipt's checkpoint covers its entry and is signed by the operator", () => {
  const operatorKey = fromBase64Url(f.operator.publicKey)!;
  for (const { receipt } of posted) {
    expect(receipt.checkpoint.size).toBeGreaterThan(receipt.index);
    expect(verifyCheckpoint(nodeSuite, receipt.checkpoint, ORIGIN, operatorKey)).toBeUndefined();
  }
});

test("every receipt's inclusion proof, fetched by a regulator at the receipt's checkpoint size, verifies against that checkpoint", async () => {
  const results = await pool(posted, 32, async ({ receipt }) => {
    const res = await signedGet(`/v1/entries/${receipt.index}?size=${receipt.checkpoint.size}`, f.regulator);
    expect(res.status).toBe(200);
    expect(res.body.checkpoint).toEqual(receipt.checkpoint);
    expect(res.body.proof.size).toBe(receipt.checkpoint.size);
    return verifyInclusion(
      nodeSuite,
      receipt.index,
      receipt.checkpoint.size,
      fromHex(receipt.leaf)!,
      res.body.proof.path.map((h: string) => fromHex(h)!),
      fromHex(receipt.checkpoint.root)!,
    );
  });
  expect(results.filter((ok) => !ok)).toHaveLength(0);
}, 60_000);

test('no two checkpoints handed out have the same size and different roots', () => {
  const bySize = new Map<number, Checkpoint>();
  for (const { receipt } of posted) {
    const seen = bySize.get(receipt.checkpoint.size);
    if (seen) expect(receipt.checkpoint).toEqual(seen);
    bySize.set(receipt.checkpoint.size, receipt.checkpoint);
  }
});

test('all checkpoints handed out are mutually consistent: each extends the one before, and the latest extends them all', async () => {
  const checkpoints = [...new Map(posted.map((p) => [p.receipt.checkpoint.size, p.receipt.checkpoint])).values()].sort(
    (a, b) => a.size - b.size,
  );
  const latest = (await request(server.url).get('/v1/checkpoint')).body as Checkpoint;
  const pairs = [...checkpoints.slice(1).map((cp, i) => [checkpoints[i], cp] as const), ...checkpoints.map((cp) => [cp, latest] as const)];
  const bad = await pool(pairs, 16, async ([older, newer]) => {
    const res = await request(server.url).get(`/v1/proofs/consistency?from=${older.size}&to=${newer.size}`);
    expect(res.status).toBe(200);
    const ok = verifyConsistency(
      nodeSuite,
      older.size,
      newer.size,
      fromHex(older.root)!,
      fromHex(newer.root)!,
      res.body.proof.map((h: string) => fromHex(h)!),
    );
    return ok ? undefined : `${older.size} → ${newer.size}`;
  });
  expect(bad.filter(Boolean)).toEqual([]);
}, 60_000);

test('the verifier replays the resulting log, permissions and rules included, without an error', async () => {
  const entries = Array.from({ length: f.ledger.size }, (_, i) => f.ledger.entry(i)!);
  const report = await verifyLog(entries, {
    origin: ORIGIN,
    operatorKey: f.operator.publicKey,
    hook: domainReplay(new Catalogue(DOMAINS), { maxSkewS: 600 }),
    threads: 1,
  });
  expect(report.errors).toEqual([]);
  expect(report).toMatchObject({ ok: true, size: f.ledger.size });
});
