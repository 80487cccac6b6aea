/**
 * (actor, id) idempotency (SPEC §2) and atomic, ordered batches (SPEC §8).
 */
import request from 'supertest';
import type { Envelope } from '../../ledger/index.js';
import { newKey, signEvent, startFixture, type Fixture } from '../helpers/fixture.js';
import { listen } from './support.js';
import { rejects } from '../helpers/outcomes.js';

let f: Fixture;

beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.close());

const registration = (id: string, role = 'auditor', extra: Record<string, unknown> = {}, o: { id?: string } = {}): Envelope =>
  signEvent(
    f.regulator,
    'actor.register',
    { id, role, name: `${role} ${id}`, publicKey: extra.publicKey ?? newKey(id).publicKey, ...extra },
    f.clock,
    o,
  );
const batch = (events: unknown[]) => request(f.app).post('/v1/events/batch').send({ events });
const receiptOf = (r: { index: number; at: string; leaf: string; hash: string }) => ({
  index: r.index,
  at: r.at,
  leaf: r.leaf,
  hash: r.hash,
});

describe('retries of one event', () => {
  test('when an identical envelope is posted again, then 200 with the same index, at, leaf and hash, and nothing is appended', async () => {
    const env = registration('aud-1');
    const first = await f.postEnvelope(env);
    expect(first.status).toBe(201);
    const size = f.ledger.size;
    f.clock.advance(1000);
    const again = await f.postEnvelope(env);
    expect(again.status).toBe(200);
    expect(receiptOf(again.body)).toEqual(receiptOf(first.body));
    expect(again.body.checkpoint.size).toBeGreaterThan(again.body.index);
    expect(f.ledger.size).toBe(size);
  });

  test('when the retry comes after its at has gone stale, then it is still answered 200 with the original receipt', async () => {
    const env = registration('aud-2');
    const first = await f.postEnvelope(env);
    f.clock.advance(3_600_000);
    const again = await f.postEnvelope(env);
    expect(again.status).toBe(200);
    expect(receiptOf(again.body)).toEqual(receiptOf(first.body));
  });

  test('when the same (actor, id) comes with another body, then 409 duplicate_id', async () => {
    const env = registration('aud-3');
    await f.postEnvelope(env);
    await rejects(f, () => f.postEnvelope(registration('aud-3b', 'auditor', {}, { id: env.id })), 'duplicate_id');
  });

  test('when the same (actor, id) comes with another at only, then 409 duplicate_id', async () => {
    const env = registration('aud-4');
    await f.postEnvelope(env);
    const moved = signEvent(f.regulator, env.type, env.body, f.clock, { id: env.id, at: new Date(Date.parse(env.at) + 1).toISOString() });
    await rejects(f, () => f.postEnvelope(moved), 'duplicate_id');
  });

  test('when another actor uses the same event id, then both events are accepted (ids are unique per actor)', async () => {
    const reg2 = await f.register('reg-2', 'regulator');
    const env = registration('aud-5');
    expect((await f.postEnvelope(env)).status).toBe(201);
    const res = await f.post(
      reg2,
      'actor.register',
      { id: 'aud-6', role: 'auditor', name: 'a', publicKey: newKey('a').publicKey },
      { id: env.id },
    );
    expect(res.status).toBe(201);
  });

  test('when the same event is posted 10 times in parallel, then exactly one entry is appended and every answer names it', async () => {
    const server = await listen(f);
    try {
      const env = registration('aud-par');
      const size = f.ledger.size;
      const answers = await Promise.all(Array.from({ length: 10 }, () => request(server.url).post('/v1/events').send(env)));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(answers.map((a) => JSON.stringify(receiptOf(a.body)))).size).toBe(1);
      expect(f.ledger.size).toBe(size + 1);
      expect(f.ledger.entry(size)!.event).toEqual(env);
    } finally {
      await server.close();
    }
  });

  test('when 10 different events with one (actor, id) race, then exactly one is appended and the others are 409 duplicate_id', async () => {
    const server = await listen(f);
    try {
      const id = 'race-0000000001';
      const size = f.ledger.size;
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          request(server.url)
            .post('/v1/events')
            .send(registration(`aud-race-${i}`, 'auditor', {}, { id })),
        ),
      );
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      expect(answers.filter((a) => a.status === 409 && a.body.code === 'duplicate_id')).toHaveLength(9);
      expect(f.ledger.size).toBe(size + 1);
    } finally {
      await server.close();
    }
  });
});

describe('batches', () => {
  test('when an event depends on an earlier one in the same batch, then the batch is accepted with receipts in order', async () => {
    const events = [
      registration('bank-b1', 'custodian'),
      registration('m-b1', 'merchant', { merchant: { tier: 'scale', custodian: 'bank-b1' } }),
    ];
    const size = f.ledger.size;
    const res = await batch(events);
    expect(res.status).toBe(201);
    expect(res.body.receipts.map((r: { index: number }) => r.index)).toEqual([size, size + 1]);
    for (const [i, r] of res.body.receipts.entries()) {
      expect(r.checkpoint.size).toBeGreaterThan(r.index);
      expect(f.ledger.entry(r.index)!.event).toEqual(events[i]);
    }
  });

  test('when the order is reversed, then the dependent event fails and nothing is appended', async () => {
    const events = [
      registration('m-b2', 'merchant', { merchant: { tier: 'scale', custodian: 'bank-b2' } }),
      registration('bank-b2', 'custodian'),
    ];
    const res = await rejects(f, () => batch(events), 'batch_rejected');
    expect(res.body.errors).toEqual([{ i: 0, code: 'invalid_event', detail: expect.stringContaining('bank-b2') }]);
    expect((await request(f.app).get('/v1/actors/bank-b2')).status).toBe(404);
  });

  test('when one item in the middle is rejected, then 422 batch_rejected names it and the items before it are not appended', async () => {
    const events = [
      registration('aud-b3'),
      registration('aud-b4'),
      { ...registration('aud-b5'), sig: registration('x').sig },
      registration('aud-b6'),
    ];
    const res = await rejects(f, () => batch(events), 'batch_rejected');
    expect(res.body.errors).toEqual([{ i: 2, code: 'bad_signature', detail: expect.any(String) }]);
    expect(res.body.detail).toContain('nothing was appended');
    for (const id of ['aud-b3', 'aud-b4']) expect((await request(f.app).get(`/v1/actors/${id}`)).status).toBe(404);
  });

  test('when several items are malformed, then each is listed with its index', async () => {
    const bad = { ...registration('aud-b7'), v: 2 };
    const res = await rejects(f, () => batch([registration('aud-b8'), bad, { nothing: true }]), 'batch_rejected');
    expect(res.body.errors.map((e: { i: number; code: string }) => [e.i, e.code])).toEqual([
      [1, 'invalid_event'],
      [2, 'invalid_event'],
    ]);
  });

  test('when a batch holds two different events with one (actor, id), then the second is 409 duplicate_id inside batch_rejected', async () => {
    const a = registration('aud-b9');
    const b = registration('aud-b10', 'auditor', {}, { id: a.id });
    const res = await rejects(f, () => batch([a, b]), 'batch_rejected');
    expect(res.body.errors).toEqual([{ i: 1, code: 'duplicate_id', detail: expect.any(String) }]);
  });

  test('when a batch holds the same event twice, then it is appended once and both receipts name it', async () => {
    const a = registration('aud-b11');
    const size = f.ledger.size;
    const res = await batch([a, a]);
    expect(res.status).toBe(201);
    expect(receiptOf(res.body.receipts[0])).toEqual(receiptOf(res.body.receipts[1]));
    expect(f.ledger.size).toBe(size + 1);
  });

  test('when an accepted batch is retried, then 200 with the same receipts and nothing is appended', async () => {
    const events = [registration('aud-b12'), registration('aud-b13')];
    const first = await batch(events);
    expect(first.status).toBe(201);
    const size = f.ledger.size;
    const again = await batch(events);
    expect(again.status).toBe(200);
    expect(again.body.receipts.map(receiptOf)).toEqual(first.body.receipts.map(receiptOf));
    expect(f.ledger.size).toBe(size);
  });

  test('when a batch mixes a retry with a new event, then 201, the retry keeps its receipt and only the new event is appended', async () => {
    const old = registration('aud-b14');
    const first = await f.postEnvelope(old);
    const size = f.ledger.size;
    const res = await batch([old, registration('aud-b15')]);
    expect(res.status).toBe(201);
    expect(receiptOf(res.body.receipts[0])).toEqual(receiptOf(first.body));
    expect(res.body.receipts[1].index).toBe(size);
    expect(f.ledger.size).toBe(size + 1);
  });

  test('when a single event was posted, then the same event in a batch is a retry (one idempotency space)', async () => {
    const env = registration('aud-b16');
    const first = await f.postEnvelope(env);
    const res = await batch([env]);
    expect(res.status).toBe(200);
    expect(receiptOf(res.body.receipts[0])).toEqual(receiptOf(first.body));
  });

  test.each([
    ['events is empty', { events: [] }],
    ['events is missing', {}],
    ['events is an object', { events: { 0: {} } }],
    ['there is an extra field', { events: [{}], atomic: true }],
  ])('when %s, then 400 invalid_event', async (_what, body) => {
    await rejects(f, () => request(f.app).post('/v1/events/batch').send(body), 'invalid_event');
  });

  test('when a batch holds 1000 events, then all are appended in order in one step', async () => {
    const size = f.ledger.size;
    const { publicKey } = newKey('shared');
    const events = Array.from({ length: 1000 }, (_, i) => registration(`aud-k${i}`, 'auditor', { publicKey }));
    const res = await batch(events);
    expect(res.status).toBe(201);
    expect(res.body.receipts.map((r: { index: number }) => r.index)).toEqual(events.map((_, i) => size + i));
    expect(f.ledger.size).toBe(size + 1000);
  }, 60_000);
});
