/**
 * Every error code the HTTP layer itself can produce (SPEC §8), with its status,
 * its problem+json body, and the ledger untouched after the rejection.
 */
import request from 'supertest';
import { z } from 'zod';
import { canonicalize, type SigningKey } from '../../ledger/index.js';
import type { ErrorCode } from '../../src/errors.js';
import { PLUGINS, type Plugin } from '../../src/plugins.js';
import { newKey, signEvent, startFixture, type Fixture } from '../helpers/fixture.js';
import { expectProblem, rejects } from '../helpers/outcomes.js';

describe('error codes of the HTTP layer', () => {
  let f: Fixture;
  let auditor: SigningKey;
  let producer: SigningKey;
  let suspended: SigningKey;

  beforeAll(async () => {
    f = await startFixture();
    auditor = await f.register('aud-1', 'auditor');
    producer = await f.register('prod-1', 'producer');
    suspended = await f.register('aud-2', 'auditor');
    expect((await f.post(f.regulator, 'actor.suspend', { id: 'aud-2', reason: 'audit licence withdrawn' })).status).toBe(201);
  });
  afterAll(() => f.close());

  const register = (key: SigningKey, id: string, o: { at?: string } = {}) =>
    signEvent(key, 'actor.register', { id, role: 'auditor', name: `auditor ${id}`, publicKey: newKey(id).publicKey }, f.clock, o);

  const cases: Array<[ErrorCode, string, () => request.Test]> = [
    [
      'invalid_json',
      'the body is not JSON',
      () => request(f.app).post('/v1/events').set('content-type', 'application/json').send('{"v":1,'),
    ],
    [
      'invalid_event',
      'the envelope lacks sig',
      () => {
        const { sig: _sig, ...unsigned } = register(f.regulator, 'x-1');
        return f.postEnvelope(unsigned);
      },
    ],
    ['unknown_type', 'the type is not in the catalogue', () => f.post(f.regulator, 'actor.promote', { id: 'aud-1' })],
    [
      'bad_signature',
      'sig is by another key',
      () => f.postEnvelope({ ...register(f.regulator, 'x-2'), sig: register(auditor, 'x-2').sig }),
    ],
    [
      'unknown_actor',
      'the actor is not registered',
      () => f.post(newKey('ghost'), 'actor.rotateKey', { publicKey: newKey('g').publicKey }),
    ],
    ['unauthenticated', 'a signed read is not signed', () => request(f.app).get('/v1/entries')],
    ['forbidden', 'an auditor posts actor.register', () => f.postEnvelope(register(auditor, 'x-3'))],
    ['forbidden', 'a producer reads the entry list', () => f.get('/v1/entries', producer)],
    ['forbidden', 'a producer reads an entry it did not post', () => f.get('/v1/entries/1', producer)],
    ['actor_suspended', 'a suspended actor posts', () => f.post(suspended, 'actor.rotateKey', { publicKey: newKey('n').publicKey })],
    ['not_found', 'the actor does not exist', () => request(f.app).get('/v1/actors/nobody')],
    ['not_found', 'the route does not exist', () => request(f.app).get('/v1/nothing')],
    [
      'not_found',
      'a regulator suspends an actor that does not exist',
      () => f.post(f.regulator, 'actor.suspend', { id: 'nobody', reason: 'r' }),
    ],
    [
      'duplicate_id',
      'the same (actor, id) comes with another body',
      () => {
        const original = f.ledger.entry(1)!.event;
        return f.post(f.regulator, original.type, { ...(original.body as object), name: 'renamed' }, { id: original.id });
      },
    ],
    ['actor_exists', 'the id is registered', () => f.postEnvelope(register(f.regulator, 'aud-1'))],
    [
      'payload_too_large',
      'the body is over the limit',
      () => f.postEnvelope({ ...register(f.regulator, 'x-4'), pad: 'x'.repeat(300 * 1024) }),
    ],
    [
      'payload_too_large',
      'a batch holds more than 1000 events',
      () =>
        request(f.app)
          .post('/v1/events/batch')
          .send({ events: Array(1001).fill(register(f.regulator, 'x-11')) }),
    ],
    [
      'stale_event',
      'at is 601 s behind the server clock',
      () => f.postEnvelope(register(f.regulator, 'x-5', { at: new Date(f.clock.ms - 601_000).toISOString() })),
    ],
    [
      'batch_rejected',
      'one event of a batch is rejected',
      () =>
        request(f.app)
          .post('/v1/events/batch')
          .send({ events: [register(f.regulator, 'x-6'), register(auditor, 'x-7')] }),
    ],
    ['invalid_request', 'a query parameter is not an integer', () => request(f.app).get('/v1/proofs/consistency?from=one&to=1')],
    ['invalid_request', 'a path is not valid percent-encoding', () => request(f.app).get('/v1/actors/%E0%A4%A')],
  ];

  test.each(cases)('%s: when %s, then the ledger is unchanged', async (code, _when, send) => {
    await rejects(f, send, code);
  });

  test('duplicate_id names the entry that holds the original', async () => {
    const original = f.ledger.entry(1)!.event;
    const res = await rejects(
      f,
      () =>
        f.postEnvelope(
          signEvent(f.regulator, original.type, { ...(original.body as object), name: 'renamed' }, f.clock, {
            id: original.id,
            at: original.at,
          }),
        ),
      'duplicate_id',
    );
    expect(res.body.detail).toContain('entry 1');
  });

  test('batch_rejected carries the failing item with the code it alone would get', async () => {
    const res = await rejects(
      f,
      () =>
        request(f.app)
          .post('/v1/events/batch')
          .send({ events: [register(f.regulator, 'x-8'), register(auditor, 'x-9')] }),
      'batch_rejected',
    );
    expect(res.body.errors).toEqual([{ i: 1, code: 'forbidden', detail: expect.any(String) }]);
  });

  test('the operator, which is no registered actor, cannot post events', async () => {
    await rejects(
      f,
      () => f.post(f.operator, 'actor.register', { id: 'x-10', role: 'auditor', name: 'n', publicKey: newKey('x').publicKey }),
      'unknown_actor',
    );
  });

  test('when the same kind of request is valid, then it is accepted (the rejections above are not blanket refusals)', async () => {
    const res = await f.postEnvelope(register(f.regulator, 'x-ok'));
    expect(res.status).toBe(201);
    expect(canonicalize(f.ledger.entry(res.body.index)!.event.body)).toContain('"x-ok"');
  });
});

describe('codes for failures of the service itself', () => {
  /** A plug-in whose rule has a programming error (a plain TypeError, not an ApiError). */
  const faulty: Plugin = {
    domain: {
      name: 'faulty',
      events: [
        {
          type: 'faulty.crash',
          body: z.strictObject({}),
          roles: ['regulator'],
          apply: () => {
            throw new TypeError(`cannot read properties of undefined at /srv/anxin/src/faulty.ts:12:3`);
          },
        },
      ],
    },
  };
  let f: Fixture;

  beforeAll(async () => {
    f = await startFixture({ plugins: [...PLUGINS, faulty] });
  });
  afterAll(() => f.close());

  test('internal: when a rule throws an unexpected error, then 500 internal says nothing of it and nothing is appended', async () => {
    const res = await rejects(f, () => f.post(f.regulator, 'faulty.crash', {}), 'internal');
    expect(res.body.detail).not.toContain('undefined');
  });

  test('internal: when a batch item throws an unexpected error, then the whole batch is 500 internal and nothing is appended', async () => {
    const ok = signEvent(
      f.regulator,
      'actor.register',
      { id: 'aud-9', role: 'auditor', name: 'a', publicKey: newKey('a').publicKey },
      f.clock,
    );
    const crash = signEvent(f.regulator, 'faulty.crash', {}, f.clock);
    await rejects(
      f,
      () =>
        request(f.app)
          .post('/v1/events/batch')
          .send({ events: [ok, crash] }),
      'internal',
    );
    expect((await request(f.app).get('/v1/actors/aud-9')).status).toBe(404);
  });

  test('unavailable: when the ledger is closed, then a post is 503 unavailable', async () => {
    const before = f.state();
    await f.ledger.close();
    const res = await f.post(f.regulator, 'actor.register', { id: 'aud-10', role: 'auditor', name: 'a', publicKey: newKey('a').publicKey });
    expectProblem(res, 'unavailable');
    expect(f.state()).toEqual(before);
  });
});
