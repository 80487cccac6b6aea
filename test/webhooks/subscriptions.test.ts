/**
 * Webhooks (SPEC §15) end to end: a regulator subscribes a receiver (a real
 * HTTP server on loopback) with a request signed over its body; deliveries
 * arrive signed by the operator key, in order, once each after de-duplication
 * by (topic, index) — also when the receiver was failing or down for a while,
 * and across a restart of the service's webhook side.
 */
import { join } from 'node:path';
import request from 'supertest';
import { nodeSuite, signRequest, type SigningKey } from '../../ledger/index.js';
import { buildApp, type App } from '../../src/app.js';
import { openWebhooks, signBodyRequest, type Webhooks } from '../../src/webhooks/index.js';
import type { Resolver } from '../../src/webhooks/allow.js';
import { ORIGIN, startFixture, type Fixture } from '../helpers/fixture.js';
import { createBody, HOUR } from '../trace/helpers.js';
import { Receiver, waitFor } from './receiver.js';

let f: Fixture;
let hooks: Webhooks;
let app: App;
let rx: Receiver;
let farm: SigningKey;
let auditor: SigningKey;

/** Test names resolve like DNS would: one to loopback, one outside the allow list. */
const resolve: Resolver = async (host) => {
  if (host === 'hooks.loopback.test') return [{ address: '127.0.0.1', family: 4 }];
  if (host === 'rebind.test') return [{ address: '10.0.0.7', family: 4 }];
  throw new Error('ENOTFOUND');
};

const open = async () => {
  hooks = await openWebhooks({
    path: join(f.dir, 'webhooks'),
    ledger: f.ledger,
    operator: f.operator,
    now: f.clock.now,
    resolve,
    backoffMs: { base: 10, max: 80 },
    pollMs: 10,
    timeoutMs: 2_000,
  });
  app = buildApp({ ledger: f.ledger, config: f.config, now: f.clock.now, webhooks: hooks });
};

beforeEach(async () => {
  f = await startFixture();
  farm = await f.register('dachen-farm-01', 'producer');
  auditor = await f.register('audit-01', 'auditor');
  await open();
  rx = new Receiver(ORIGIN, f.operator.publicKey);
  await rx.start();
});
afterEach(async () => {
  await hooks.close();
  await rx.stop();
  await f.close();
});

const subscribe = (body: unknown, key: SigningKey = f.regulator, tamper?: (text: string) => string) => {
  const text = JSON.stringify(body);
  const h = signBodyRequest(nodeSuite, key, { method: 'POST', target: '/v1/subscriptions', body: text }, Math.floor(f.clock.ms / 1000));
  return request(app)
    .post('/v1/subscriptions')
    .set('Content-Type', 'application/json')
    .set(h as unknown as Record<string, string>)
    .send(tamper ? tamper(text) : text);
};

/** A GET or DELETE on the webhook app, signed like every read. */
const read = async (method: 'get' | 'delete', path: string, key: SigningKey = f.regulator) => {
  const h = signRequest(nodeSuite, key, { method: method.toUpperCase(), target: path }, Math.floor(f.clock.ms / 1000));
  return request(app)[method](path).set('Signature-Input', h['Signature-Input']).set('Signature', h.Signature);
};

const post = async (key: SigningKey, type: string, body: unknown) => {
  const res = await f.post(key, type, body);
  if (res.status !== 201) throw new Error(`${type}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { index: number; at: string };
};

/** A wild catch in the closed season (a red closed-season anomaly at once), 100 kg. */
const closedSeasonLot = (code: string) =>
  createBody(code, 100, {
    origin: { place: '东海渔场', zone: 'east-china-sea', method: 'wild' },
    harvestedAt: '2026-06-15T02:00:00.000Z',
  });

describe('POST /v1/subscriptions and deliveries', () => {
  test('when a regulator subscribes to recalls and anomalies, then each arrives signed, in ledger order, with its index and data', async () => {
    const created = await subscribe({ url: rx.url, topics: ['recall', 'anomaly'] });
    expect({ status: created.status, topics: created.body.topics, cursor: created.body.cursor }).toEqual({
      status: 201,
      topics: ['recall', 'anomaly'],
      cursor: { index: f.ledger.size, part: 0 },
    });
    expect(created.headers.location).toBe(`/v1/subscriptions/${created.body.id}`);

    const made = await post(farm, 'lot.create', closedSeasonLot('W-1'));
    const recalled = await post(f.regulator, 'lot.recall', { code: 'W-1', level: 1, reason: '休渔期捕捞' });
    f.clock.advance(25 * HOUR);
    const late = await post(farm, 'lot.dispose', { code: 'W-1', amount: 1, reason: '召回销毁' });
    const done = await post(farm, 'lot.dispose', { code: 'W-1', amount: 99, reason: '召回销毁' });
    await waitFor(() => rx.unique.length >= 4, 'four deliveries');

    expect(rx.bad).toEqual([]);
    expect(rx.unique.map((m) => [m.topic, m.index])).toEqual([
      ['anomaly', made.index],
      ['recall', recalled.index],
      ['anomaly', late.index],
      ['anomaly', done.index],
    ]);
    const [season, recall, overdue, closed] = rx.unique;
    expect(season.data.open).toEqual([expect.objectContaining({ rule: 'closed-season', severity: 'red', subject: 'W-1' })]);
    expect(recall.data).toEqual({
      code: 'W-1',
      level: 1,
      reason: '休渔期捕捞',
      by: f.regulator.id,
      at: recalled.at,
      deadline: new Date(Date.parse(recalled.at) + 24 * HOUR).toISOString(),
      lots: ['W-1'],
    });
    expect(overdue.data.open).toEqual([expect.objectContaining({ rule: 'recall-overdue', severity: 'red', subject: 'W-1' })]);
    expect(closed.data).toEqual({ open: [], closed: [{ rule: 'recall-overdue', subject: 'W-1' }] });
  });

  test('when an auditor subscribes to entries of one type, then only those entries arrive, each the ledger’s own', async () => {
    await subscribe({ url: rx.url, topics: ['entry'], filter: { types: ['lot.create'] } }, auditor).expect(201);
    const a = await post(farm, 'lot.create', createBody('L-1', 5));
    await post(farm, 'lot.dispose', { code: 'L-1', amount: 1, reason: 'x' });
    const b = await post(farm, 'lot.create', createBody('L-2', 5));
    await waitFor(() => rx.unique.length >= 2, 'two entries');
    expect(rx.unique.map((m) => m.index)).toEqual([a.index, b.index]);
    expect(rx.unique[0].data.entry).toEqual(JSON.parse(JSON.stringify(f.ledger.entry(a.index))));
  });

  test('when the receiver fails, then goes down, then comes back, then it gets everything, in order, once after de-duplication', async () => {
    const sub = (await subscribe({ url: rx.url, topics: ['entry'] })).body;
    const port = rx.port;
    rx.mode = 'fail';
    const first = await post(farm, 'lot.create', createBody('D-1', 5));
    await waitFor(() => rx.hits >= 2, 'two failed attempts');
    await rx.stop();
    const more = [];
    for (let i = 0; i < 5; i++) more.push(await post(farm, 'lot.dispose', { code: 'D-1', amount: 1, reason: `r${i}` }));
    rx.mode = 'ok';
    await rx.start(port);
    await waitFor(() => rx.unique.length >= 6, 'six entries');
    expect(rx.unique.map((m) => m.index)).toEqual([first.index, ...more.map((m) => m.index)]);
    expect(rx.bad).toEqual([]);

    const deliveries = (await read('get', `/v1/subscriptions/${sub.id}/deliveries?limit=1000`)).body.deliveries;
    const failures = deliveries.filter((d: { ok: boolean }) => !d.ok);
    expect(failures.some((d: { status: number | null }) => d.status === 503)).toBe(true);
    expect(deliveries.find((d: { ok: boolean; index: number }) => d.ok && d.index === first.index)).toMatchObject({
      topic: 'entry',
      status: 204,
    });
    expect(deliveries.find((d: { ok: boolean; index: number }) => d.ok && d.index === first.index).attempt).toBeGreaterThan(1);
  });

  test('when the webhook side restarts, then delivery resumes from the stored cursor', async () => {
    const sub = (await subscribe({ url: rx.url, topics: ['entry'] })).body;
    const a = await post(farm, 'lot.create', createBody('R-1', 5));
    await waitFor(() => rx.unique.length >= 1, 'the first entry');
    await hooks.close();
    const b = await post(farm, 'lot.dispose', { code: 'R-1', amount: 1, reason: 'x' });
    const c = await post(farm, 'lot.dispose', { code: 'R-1', amount: 1, reason: 'y' });
    await open();
    await waitFor(() => rx.unique.length >= 3, 'three entries');
    expect(rx.unique.map((m) => m.index)).toEqual([a.index, b.index, c.index]);
    expect((await read('get', `/v1/subscriptions/${sub.id}`)).body).toMatchObject({ id: sub.id, url: rx.url, topics: ['entry'] });
  });

  test('when the receiver redirects, then the redirect is not followed: the attempt is logged as refused and retried', async () => {
    const other = new Receiver(ORIGIN, f.operator.publicKey);
    await other.start();
    rx.mode = { redirect: other.url };
    const sub = (await subscribe({ url: rx.url, topics: ['entry'] })).body;
    await post(farm, 'lot.create', createBody('X-1', 5));
    await waitFor(() => rx.hits >= 2, 'two attempts');
    expect(other.hits).toBe(0);
    const deliveries = (await read('get', `/v1/subscriptions/${sub.id}/deliveries`)).body.deliveries;
    expect(deliveries[0]).toMatchObject({ ok: false, status: 302, error: 'redirect refused' });
    await other.stop();
  });
});

describe('who may subscribe, and to what', () => {
  test('when the body was changed after signing, or the signature does not cover content-digest, then 401 unauthenticated', async () => {
    const tampered = await subscribe({ url: rx.url, topics: ['entry'] }, f.regulator, (t) => t.replace('entry', 'recall'));
    const h = signRequest(nodeSuite, f.regulator, { method: 'POST', target: '/v1/subscriptions' }, Math.floor(f.clock.ms / 1000));
    const readStyle = await request(app)
      .post('/v1/subscriptions')
      .set('Content-Type', 'application/json')
      .set('Signature-Input', h['Signature-Input'])
      .set('Signature', h.Signature)
      .send({ url: rx.url, topics: ['entry'] });
    expect([tampered.status, tampered.body.code, readStyle.status, readStyle.body.code]).toEqual([
      401,
      'unauthenticated',
      401,
      'unauthenticated',
    ]);
  });

  test('when the signed body is larger than 16 KiB, then 413 payload_too_large before it is parsed or checked', async () => {
    const res = await subscribe({ url: rx.url, topics: ['entry'], pad: 'x'.repeat(17 * 1024) });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 413, code: 'payload_too_large' });
  });

  test('when the Content-Digest is of other bytes than those sent (the same JSON, re-spaced), then 401 unauthenticated', async () => {
    const res = await subscribe({ url: rx.url, topics: ['entry'] }, f.regulator, (t) => JSON.stringify(JSON.parse(t), null, 1));
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'unauthenticated' });
  });

  test('when a signed DELETE names a subscription that does not exist, then 404 not_found, and an unsigned one 401 unauthenticated', async () => {
    const missing = await read('delete', '/v1/subscriptions/sub-000000000000000000000000');
    const unsigned = await request(app).delete('/v1/subscriptions/sub-000000000000000000000000');
    expect([missing.status, missing.body.code, unsigned.status, unsigned.body.code]).toEqual([404, 'not_found', 401, 'unauthenticated']);
  });

  test('when a producer subscribes, then 403 forbidden', async () => {
    const res = await subscribe({ url: rx.url, topics: ['entry'] }, farm);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'forbidden' });
  });

  test('when the target is outside ANXIN_WEBHOOK_ALLOW (by address or by what its name resolves to), then 400 invalid_request', async () => {
    for (const url of [
      'http://10.1.2.3/hook',
      'http://rebind.test/hook',
      'http://nowhere.test/hook',
      'ftp://127.0.0.1/x',
      'http://u:p@127.0.0.1/',
    ]) {
      const res = await subscribe({ url, topics: ['entry'] });
      expect({ url, status: res.status, code: res.body.code }).toEqual({ url, status: 400, code: 'invalid_request' });
    }
    const byName = await subscribe({ url: `http://hooks.loopback.test:${rx.port}/h`, topics: ['entry'] });
    expect(byName.status).toBe(201);
  });

  test('when the body is not JSON or not a subscription, then 400 invalid_json / invalid_request', async () => {
    const text = '{nope';
    const h = signBodyRequest(
      nodeSuite,
      f.regulator,
      { method: 'POST', target: '/v1/subscriptions', body: text },
      Math.floor(f.clock.ms / 1000),
    );
    const notJson = await request(app)
      .post('/v1/subscriptions')
      .set(h as unknown as Record<string, string>)
      .set('Content-Type', 'application/json')
      .send(text);
    expect({ status: notJson.status, code: notJson.body.code }).toEqual({ status: 400, code: 'invalid_json' });
    for (const body of [
      { url: rx.url, topics: [] },
      { url: rx.url, topics: ['gossip'] },
      { url: rx.url, topics: ['entry', 'entry'] },
      { url: rx.url, topics: ['entry'], extra: 1 },
    ]) {
      const res = await subscribe(body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'invalid_request' });
    }
  });

  test('when another regulator or auditor asks for a subscription, then 404 not_found; its owner deletes it and deliveries stop', async () => {
    const sub = (await subscribe({ url: rx.url, topics: ['entry'] })).body;
    const other = await read('get', `/v1/subscriptions/${sub.id}`, auditor);
    expect({ status: other.status, code: other.body.code }).toEqual({ status: 404, code: 'not_found' });
    const gone = await read('delete', `/v1/subscriptions/${sub.id}`, auditor);
    expect(gone.status).toBe(404);
    expect((await read('delete', `/v1/subscriptions/${sub.id}`)).status).toBe(204);
    expect((await read('get', `/v1/subscriptions/${sub.id}`)).status).toBe(404);
    await post(farm, 'lot.create', createBody('Z-1', 5));
    // A later subscription's first delivery proves the deleted one had its chance to send and did not.
    const probe = new Receiver(ORIGIN, f.operator.publicKey);
    await probe.start();
    await subscribe({ url: probe.url, topics: ['entry'] }).expect(201);
    await post(farm, 'lot.create', createBody('Z-2', 5));
    await waitFor(() => probe.unique.length >= 1, 'the probe');
    expect(rx.raw).toEqual([]);
    await probe.stop();
  });
});
