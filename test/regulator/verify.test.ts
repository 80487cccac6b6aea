/**
 * GET /v1/regulator/verify (SPEC §8, §9) on a real app and LevelDB: who may
 * call it, incremental runs that check only what was appended since the last
 * verified checkpoint, `?full=1` from genesis, slow runs answered 202 with a
 * job to poll, and appends accepted while a run is under way. Whether a
 * request answers 200 or 202 is decided by the injected wait and gate, never
 * by a clock. The steps share one ledger and run in order.
 */
import request from 'supertest';
import type { SigningKey } from '../../ledger/index.js';
import { startFixture, type Fixture } from '../helpers/fixture.js';
import { atOnce, Gate, jobDone, never, ok, pluginsWith } from './helpers.js';

const gate = new Gate();
let wait: () => Promise<unknown> = never;
let f: Fixture;
let auditor: SigningKey;
let producer: SigningKey;
let registered = 0;

/** Appends `n` registrations (real events through POST /v1/events). */
const append = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await f.register(`p-${registered++}`, 'producer');
};

beforeAll(async () => {
  f = await startFixture({ plugins: pluginsWith({ wait: () => wait(), pace: gate.pace }) });
  auditor = await f.register('audit-01', 'auditor');
  producer = await f.register('prod-01', 'producer');
  await append(3);
});
afterAll(() => f.close());
afterEach(() => {
  wait = never;
  gate.release();
});

describe('who may verify', () => {
  test('when the request is not signed, then 401 unauthenticated', async () => {
    const before = f.state();
    const res = await request(f.app).get('/v1/regulator/verify');
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'unauthenticated' });
    expect(f.state()).toEqual(before);
  });

  test('when a producer asks, then 403 forbidden, for the report and for a job', async () => {
    for (const path of ['/v1/regulator/verify', '/v1/regulator/verify/jobs/01ABC']) {
      const res = await f.get(path, producer);
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 403, code: 'forbidden' });
    }
  });

  test('when full is not 0, 1, true or false, then 400 invalid_request', async () => {
    const res = await f.get('/v1/regulator/verify?full=yes', f.regulator);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'invalid_request' });
  });
});

describe('incremental verification', () => {
  test('the first call verifies from genesis: every entry is checked and the report matches the checkpoint', async () => {
    const cp = f.ledger.checkpoint;
    const report = await ok(f.get('/v1/regulator/verify', f.regulator));
    expect(report).toMatchObject({ ok: true, errors: [], size: cp.size, checked: cp.size, root: cp.root, head: cp.head, full: true });
    expect(report.checkpoint).toEqual({ size: cp.size, root: cp.root });
  });

  test('when 3 events are appended, then the next call checks only those 3', async () => {
    const before = f.ledger.size;
    await append(3);
    const cp = f.ledger.checkpoint;
    const report = await ok(f.get('/v1/regulator/verify', f.regulator));
    expect(report).toMatchObject({ ok: true, size: before + 3, checked: 3, root: cp.root, head: cp.head, full: false });
  });

  test('when nothing was appended, then an auditor gets the same verified size with nothing checked', async () => {
    const report = await ok(f.get('/v1/regulator/verify', auditor));
    expect(report).toMatchObject({ ok: true, size: f.ledger.size, checked: 0, full: false });
  });

  test('when full=1, then it verifies from genesis again', async () => {
    const report = await ok(f.get('/v1/regulator/verify?full=1', auditor));
    expect(report).toMatchObject({ ok: true, size: f.ledger.size, checked: f.ledger.size, full: true });
  });
});

describe('a run that takes more than a moment', () => {
  let location: string;
  let target: number;

  test('answers 202 with Location: /v1/regulator/verify/jobs/{id}, and the job reports it running', async () => {
    const held = gate.holdAfter(5);
    wait = atOnce;
    target = f.ledger.checkpoint.size;
    const res = await f.get('/v1/regulator/verify?full=1', f.regulator);
    expect(res.status).toBe(202);
    location = res.headers.location;
    expect(location).toMatch(/^\/v1\/regulator\/verify\/jobs\/[0-9A-Z]{26}$/);
    expect(res.body).toMatchObject({ id: location.split('/').pop(), state: 'running', full: true, size: target });
    await held;
    expect(await ok(f.get(location, auditor))).toEqual({ id: res.body.id, state: 'running', full: true, checked: 5, size: target });
    gate.release();
    expect(await jobDone(f, location, auditor)).toMatchObject({ state: 'done', checked: target, size: target, report: { ok: true } });
  });

  test('while it runs, appends are accepted; once released the job is done with a report of the log as it was', async () => {
    const held = gate.holdAfter(3);
    wait = atOnce;
    target = f.ledger.checkpoint.size;
    const res = await f.get('/v1/regulator/verify?full=1', f.regulator);
    expect(res.status).toBe(202);
    location = res.headers.location;
    await held;
    await append(2);
    expect(f.ledger.size).toBe(target + 2);
    expect((await ok(f.get(location, f.regulator))).state).toBe('running');
    gate.release();
    const job = await jobDone(f, location, f.regulator);
    expect(job).toMatchObject({ state: 'done', checked: target, size: target });
    expect(job.report).toMatchObject({ ok: true, size: target, checked: target, full: true, errors: [] });
  });

  test('then the next call checks only the 2 entries appended during the run', async () => {
    const report = await ok(f.get('/v1/regulator/verify', f.regulator));
    expect(report).toMatchObject({ ok: true, size: target + 2, checked: 2, full: false });
  });

  test('when a full run is queued behind a running one, then another full request joins the queued job', async () => {
    const held = gate.holdAfter(0);
    wait = atOnce;
    const running = await f.get('/v1/regulator/verify?full=1', f.regulator);
    await held;
    const queued = await f.get('/v1/regulator/verify?full=1', f.regulator);
    const again = await f.get('/v1/regulator/verify?full=1', auditor);
    expect([running.status, queued.status, again.status]).toEqual([202, 202, 202]);
    expect(queued.body.id).not.toBe(running.body.id);
    expect(again.body.id).toBe(queued.body.id);
    gate.release();
    const done = await jobDone(f, again.headers.location, auditor);
    expect(done.report).toMatchObject({ ok: true, size: f.ledger.size, full: true });
  });

  test('when the job id is unknown, then 404 not_found; unsigned, 401', async () => {
    const res = await f.get('/v1/regulator/verify/jobs/01JD3X9Q6W8K2M4N5P7R9T1V3X', f.regulator);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'not_found' });
    const anon = await request(f.app).get(location);
    expect({ status: anon.status, code: anon.body.code }).toEqual({ status: 401, code: 'unauthenticated' });
  });
});
