/**
 * Cheap checks before any signature (docs/API.md "Order of checks"): a batch of
 * forged, stale or suspended events costs next to no Ed25519 checks, stops at its
 * first bad signature, and a full signature backlog answers 503 `unavailable`
 * with Retry-After. The signature checks are counted at the pool's door.
 */
import request from 'supertest';
import { SigPool } from '../../ledger/index.js';
import { FIRST_CHUNK } from '../../src/ingest.js';
import { signEvent, startFixture, type Fixture } from '../helpers/fixture.js';
import { expectProblem, unchanged } from './support.js';

describe('the order of checks on ingest', () => {
  let f: Fixture;
  const pool = new SigPool(1);
  let checks = 0;
  beforeAll(async () => {
    f = await startFixture({
      app: {
        preverify: (k, m, s) => {
          checks++;
          return pool.verify(k, m, s);
        },
      },
    });
  });
  afterAll(async () => {
    await f.close();
    await pool.close();
  });
  beforeEach(() => (checks = 0));

  const batch = (events: unknown[]) => request(f.app).post('/v1/events/batch').send({ events });
  const registrations = (n: number, o: { at?: string; zeroSig?: boolean; key?: typeof f.regulator } = {}) =>
    Array.from({ length: n }, (_, i) => {
      const e = signEvent(
        o.key ?? f.regulator,
        'actor.register',
        { id: `x-${i}`, role: 'producer', name: 'x', publicKey: f.operator.publicKey },
        f.clock,
        {
          at: o.at,
        },
      );
      return o.zeroSig ? { ...e, sig: 'A'.repeat(86) } : e;
    });

  test('when 1000 events carry zeroed signatures, then 422 batch_rejected at event 0 after at most one small chunk of checks', async () => {
    const res = await unchanged(f, () => batch(registrations(1000, { zeroSig: true })));
    const body = expectProblem(res, 422, 'batch_rejected');
    expect((body.errors as Array<{ i: number; code: string }>)[0]).toMatchObject({ i: 0, code: 'bad_signature' });
    expect(checks).toBeLessThanOrEqual(FIRST_CHUNK);
  });

  test('when 1000 events are stale, then 422 batch_rejected stale_event and no signature is checked', async () => {
    const res = await unchanged(f, () => batch(registrations(1000, { at: new Date(f.clock.ms - 3600_000).toISOString() })));
    expect((expectProblem(res, 422, 'batch_rejected').errors as Array<{ code: string }>)[0].code).toBe('stale_event');
    expect(checks).toBe(0);
  });

  test('when a suspended actor posts 1000 events, then 422 actor_suspended and no signature is checked', async () => {
    const reg = await f.register('reg-s', 'regulator');
    expect((await f.post(f.regulator, 'actor.suspend', { id: 'reg-s', reason: 'r' })).status).toBe(201);
    checks = 0;
    const res = await unchanged(f, () => batch(registrations(1000, { key: reg, zeroSig: true })));
    expect((expectProblem(res, 422, 'batch_rejected').errors as Array<{ code: string }>)[0].code).toBe('actor_suspended');
    expect(checks).toBe(0);
  });

  test('when a producer posts an event only regulators may, then 403 forbidden without a signature check', async () => {
    const producer = await f.register('prod-o', 'producer');
    checks = 0;
    const res = await unchanged(f, () =>
      f.post(producer, 'actor.register', { id: 'y', role: 'producer', name: 'y', publicKey: f.operator.publicKey }),
    );
    expectProblem(res, 403, 'forbidden');
    expect(checks).toBe(0);
  });

  test('when an identical event is retried, then its receipt comes back without a signature check', async () => {
    const [e] = registrations(1);
    const first = await f.postEnvelope({ ...e, body: { ...(e.body as object) } });
    expect(first.status).toBe(201);
    checks = 0;
    const again = await f.postEnvelope(e);
    expect(again.status).toBe(200);
    expect(checks).toBe(0);
  });

  test('when the forgery is the 101st event of a good batch of 400, then the batch stops there and nothing is appended', async () => {
    const events = registrations(400).map((e, i) => ({ ...e, body: { ...(e.body as object), id: `late-${i}` } }));
    const resigned = events.map((e) => signEvent(f.regulator, e.type, e.body, f.clock));
    resigned[100] = { ...resigned[100], sig: 'A'.repeat(86) };
    const res = await unchanged(f, () => batch(resigned));
    expect((expectProblem(res, 422, 'batch_rejected').errors as Array<{ i: number; code: string }>)[0]).toMatchObject({
      i: 100,
      code: 'bad_signature',
    });
    expect(checks).toBeLessThan(400);
  });
});

describe('a full signature backlog', () => {
  let f: Fixture;
  const pool = new SigPool(1, { maxBacklog: 100 });
  beforeAll(async () => (f = await startFixture({ app: { preverify: (k, m, s) => pool.verify(k, m, s) } })));
  afterAll(async () => {
    await f.close();
    await pool.close();
  });

  test('when the pool holds more checks than its bound, then ingest answers 503 unavailable with Retry-After and appends nothing', async () => {
    const e = signEvent(
      f.regulator,
      'actor.register',
      { id: 'busy', role: 'producer', name: 'b', publicKey: f.operator.publicKey },
      f.clock,
    );
    const filler = Array.from({ length: 100 }, () => pool.verify(new Uint8Array(32).fill(1), new Uint8Array(20_000), new Uint8Array(64)));
    const res = await unchanged(f, () => f.postEnvelope(e));
    expectProblem(res, 503, 'unavailable');
    expect(res.headers['retry-after']).toBe('1');
    await Promise.all(filler);
    expect((await f.postEnvelope(e)).status).toBe(201);
  });
});
