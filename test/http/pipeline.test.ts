/**
 * The /v1 pipeline (src/http/pipeline.ts) on a real listening server and through
 * supertest: the same answers, a request id on every one, Express only outside /v1.
 */
import { gzipSync } from 'node:zlib';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import request from 'supertest';
import { buildApp } from '../../src/app.js';
import { signEvent, startFixture, type Fixture } from '../helpers/fixture.js';

describe('the /v1 pipeline', () => {
  let f: Fixture;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    f = await startFixture();
    server = await new Promise<Server>((r) => {
      const s = f.app.listen(0, '127.0.0.1', () => r(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await f.close();
  });

  const register = (id: string) =>
    signEvent(f.regulator, 'actor.register', { id, role: 'carrier', name: `冷链 ${id}`, publicKey: f.regulator.publicKey }, f.clock);

  /** Posts the same request to the listening server and through supertest; returns both answers. */
  const both = async (path: string, body: string, headers: Record<string, string>) => {
    const fast = await fetch(url + path, { method: 'POST', body, headers });
    const viaApp = await request(f.app).post(path).set(headers).send(body);
    return { fast: { status: fast.status, type: fast.headers.get('content-type'), body: await fast.json() }, app: viaApp };
  };

  test('when an event is posted, then it is appended (201) and an identical retry gets its receipt (200)', async () => {
    const ev = JSON.stringify(register('c-fast-1'));
    const first = await fetch(url + '/v1/events', { method: 'POST', body: ev, headers: { 'content-type': 'application/json' } });
    expect(first.status).toBe(201);
    const receipt = await first.json();
    const again = await request(f.app).post('/v1/events').set('content-type', 'application/json').send(ev);
    expect(again.status).toBe(200);
    expect(again.body.index).toBe(receipt.index);
  });

  test('when a batch is gzip-compressed, then it is decoded and appended', async () => {
    const body = gzipSync(JSON.stringify({ events: [register('c-fast-2'), register('c-fast-3')] }));
    const res = await fetch(url + '/v1/events/batch', {
      method: 'POST',
      body: new Uint8Array(body),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expect(res.status).toBe(201);
    expect((await res.json()).receipts).toHaveLength(2);
  });

  test.each([
    ['malformed JSON', '{"v":1,', { 'content-type': 'application/json' }, 400, 'invalid_json'],
    ['a JSON string', '"hello"', { 'content-type': 'application/json' }, 400, 'invalid_json'],
    ['no JSON content type', '{}', { 'content-type': 'text/plain' }, 400, 'invalid_json'],
    ['another charset', '{}', { 'content-type': 'application/json; charset=latin1' }, 400, 'invalid_json'],
    ['an empty object', '{}', { 'content-type': 'application/json' }, 400, 'invalid_event'],
    ['an array', '[]', { 'content-type': 'application/json' }, 400, 'invalid_event'],
    ['an unknown content encoding', '{}', { 'content-type': 'application/json', 'content-encoding': 'zstd' }, 400, 'invalid_json'],
  ])('when the body is %s (%s, %j), then both answer %i %s', async (_what, body, headers, status, code) => {
    const before = f.state();
    const { fast, app } = await both('/v1/events', body, headers as Record<string, string>);
    expect([fast.status, fast.body.code]).toEqual([status, code]);
    expect([app.status, app.body.code]).toEqual([status, code]);
    expect(fast.type).toMatch(/^application\/problem\+json/);
    expect(f.state()).toEqual(before);
  });

  test('when the body is larger than the limit, then both answer 413 payload_too_large', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(300 * 1024) });
    const { fast, app } = await both('/v1/events', body, { 'content-type': 'application/json' });
    expect([fast.status, fast.body.code]).toEqual([413, 'payload_too_large']);
    expect([app.status, app.body.code]).toEqual([413, 'payload_too_large']);
  });

  test('when a trace view is asked for, then the pipeline answers (404 lot_not_found for an unknown code, 400 for bad encoding)', async () => {
    const res = await fetch(url + '/v1/trace/NO-SUCH-LOT');
    expect([res.status, (await res.json()).code]).toEqual([404, 'lot_not_found']);
    const bad = await fetch(url + '/v1/trace/%E0%A4%A');
    expect([bad.status, (await bad.json()).code]).toEqual([400, 'invalid_request']);
    const qr = await fetch(url + '/v1/trace/NO-SUCH-LOT/qr.svg');
    expect(qr.status).toBe(404);
  });

  test('when a request is outside /v1, then Express answers it; an unknown /v1 route is 404 not_found', async () => {
    const res = await fetch(url + '/v1/checkpoint');
    expect(res.status).toBe(200);
    expect((await fetch(url + '/v1/events')).status).toBe(404);
    expect((await fetch(url + '/healthz')).status).toBe(200);
    const page = await fetch(url + '/');
    expect([page.status, page.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^text\/html/)]);
  });

  test('when a request carries a well-formed X-Request-Id, then the answer echoes it; otherwise the answer carries a fresh one', async () => {
    const mine = await fetch(url + '/v1/checkpoint', { headers: { 'x-request-id': 'abc-123' } });
    expect(mine.headers.get('x-request-id')).toBe('abc-123');
    const bad = await fetch(url + '/v1/actors/nobody', { headers: { 'x-request-id': 'a b' } });
    expect([bad.status, bad.headers.get('x-request-id')]).toEqual([404, expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    const fresh = await fetch(url + '/v1/checkpoint');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('when HEAD asks for a GET route, then it is answered without a body', async () => {
    const res = await fetch(url + '/v1/checkpoint', { method: 'HEAD' });
    expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([200, 'application/json; charset=utf-8', '']);
  });
});

describe('the pipeline’s logger and observer', () => {
  test('when a request is answered, then the observer gets its route and status, and the debug log line carries the echoed request id', async () => {
    const f = await startFixture();
    const lines: Array<Record<string, unknown>> = [];
    const seen: Array<[string, number]> = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const app = buildApp({
      ledger: f.ledger,
      config: f.config,
      now: f.clock.now,
      logger,
      observeHttp: (route, status) => seen.push([route, status]),
    });
    try {
      const res = await request(app).get('/v1/actors/nobody').set('x-request-id', 'trace-me-1');
      expect([res.status, res.headers['x-request-id']]).toEqual([404, 'trace-me-1']);
      await request(app).get('/v1/nothing-here');
      expect(seen).toEqual([
        ['/v1/actors/{id}', 404],
        ['unmatched', 404],
      ]);
      expect(lines.find((l) => l.reqId === 'trace-me-1')).toMatchObject({
        msg: 'request',
        status: 404,
        method: 'GET',
        url: '/v1/actors/nobody',
      });
    } finally {
      await f.close();
    }
  });
});
