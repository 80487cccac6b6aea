/**
 * Faults heal and are visible, through the store's fault-injection seam: while
 * every durable write fails with EIO, appends answer 503 `unavailable` and the
 * ledger is unchanged; once writes succeed again the probe heals it, and the very
 * events that were refused are appended on retry (they were never acknowledged,
 * so they were never appended).
 */
import request from 'supertest';
import { signEvent, startFixture, type Fixture } from '../helpers/fixture.js';
import { eventually, expectProblem } from './support.js';

describe('an I/O error on the store write', () => {
  let f: Fixture;
  let failing = false;

  beforeAll(async () => {
    f = await startFixture({
      ledger: {
        recoveryRetryMs: 20,
        beforeWrite: () => {
          if (failing) throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
        },
      },
    });
  });
  afterAll(() => f.close());

  test('when writes fail, then concurrent appends all answer 503 with nothing appended; when writes succeed again, then the same events are appended', async () => {
    const before = f.state();
    failing = true;
    const events = Array.from({ length: 8 }, (_, i) =>
      signEvent(
        f.regulator,
        'actor.register',
        { id: `io-${i}`, role: 'producer', name: `P ${i}`, publicKey: f.operator.publicKey },
        f.clock,
      ),
    );
    const answers = await Promise.all(events.map((e) => f.postEnvelope(e)));
    for (const res of answers) expectProblem(res, 503, 'unavailable');
    expect(f.state()).toEqual(before);
    const health = await request(f.app).get('/healthz');
    expect(health.status).toBe(503);
    expect(health.body.reason).toMatch(/I\/O error/);

    failing = false;
    await eventually(() => f.ledger.health.ok);
    expect((await request(f.app).get('/healthz')).status).toBe(200);
    const retried = await Promise.all(events.map((e) => f.postEnvelope(e)));
    for (const res of retried) expect(res.status).toBe(201);
    expect(f.ledger.size).toBe(before.size + events.length);
  });

  test('when one write fails, then the probe keeps failing while writes fail and /healthz counts its attempts', async () => {
    failing = true;
    const res = await f.post(f.regulator, 'actor.register', { id: 'io-x', role: 'producer', name: 'X', publicKey: f.operator.publicKey });
    expectProblem(res, 503, 'unavailable');
    await eventually(async () => (await request(f.app).get('/healthz')).body.probes >= 3);
    expect(f.ledger.health.ok).toBe(false);
    failing = false;
    await eventually(() => f.ledger.health.ok);
    const again = await f.post(f.regulator, 'actor.register', { id: 'io-x', role: 'producer', name: 'X', publicKey: f.operator.publicKey });
    expect(again.status).toBe(201);
  });
});
