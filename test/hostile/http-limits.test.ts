/**
 * The limits an operator sets (config.ts HttpSettings), against the real
 * server on loopback: slow clients are cut at the headers and request
 * timeouts, connections beyond the cap are closed, parallel connections are
 * all answered, and per-client rate limits answer 429 rate_limited with
 * Retry-After — each without touching the ledger. Short limits are configured
 * here so that the tests take seconds; no assertion is about a duration.
 */
import { connect, type Socket } from 'node:net';
import { signEvent } from '../helpers/fixture.js';
import { signRequest } from '../../ledger/portable.js';
import { nodeSuite } from '../../ledger/index.js';
import { expectCode, send, startLimited, type Limited } from './http-support.js';

/** Opens a raw connection (resolves once connected). */
const open = (port: number): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => resolve(sock));
    sock.once('error', reject);
  });

/**
 * Writes `bytes` one at a time, `everyMs` apart, until they are all sent or the server closes the
 * connection. Resolves with what the server sent and how many bytes were written before it closed.
 */
const trickle = (sock: Socket, bytes: Buffer, everyMs: number): Promise<{ answer: string; written: number; closedByServer: boolean }> =>
  new Promise((resolve) => {
    let answer = '';
    let written = 0;
    let closed = false;
    sock.on('data', (d) => (answer += d.toString('latin1')));
    sock.on('error', () => undefined);
    sock.on('close', () => {
      closed = true;
      clearInterval(timer);
      resolve({ answer, written, closedByServer: written < bytes.length });
    });
    const timer = setInterval(() => {
      if (closed) return;
      if (written === bytes.length) {
        clearInterval(timer);
        sock.end();
        return;
      }
      sock.write(bytes.subarray(written, written + 1));
      written++;
    }, everyMs);
  });

describe('slow clients', () => {
  let s: Limited;
  beforeAll(async () => {
    s = await startLimited({ headersTimeoutMs: 400, requestTimeoutMs: 800 });
  });
  afterAll(() => s.close());

  test('when a client sends its headers byte by byte (slowloris), then it is cut at the headers timeout with 408', async () => {
    const before = s.f.state();
    const headers = Buffer.from(`GET /v1/checkpoint HTTP/1.1\r\nHost: x\r\n${'X-Slow: y\r\n'.repeat(20)}\r\n`);
    // At 40 ms a byte the headers would take ~10 s: far past the 400 ms timeout.
    const { answer, closedByServer } = await trickle(await open(s.port), headers, 40);
    expect(closedByServer).toBe(true);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(s.f.state()).toEqual(before);
  });

  test('when a client sends a body byte by byte, then it is cut at the request timeout and nothing is appended', async () => {
    const before = s.f.state();
    const event = JSON.stringify(
      signEvent(
        s.f.regulator,
        'actor.register',
        { id: 'slow-1', role: 'auditor', name: 'slow', publicKey: s.f.regulator.publicKey },
        s.f.clock,
      ),
    );
    const sock = await open(s.port);
    sock.write(
      `POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(event)}\r\n\r\n`,
    );
    const { answer, closedByServer } = await trickle(sock, Buffer.from(event), 40);
    expect(closedByServer).toBe(true);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(s.f.state()).toEqual(before);
  });

  test('when the slow clients are gone, then the service answers as before', async () => {
    expect((await send(s.port, 'GET', '/v1/checkpoint')).status).toBe(200);
  });
});

describe('connections', () => {
  let s: Limited;
  beforeAll(async () => {
    s = await startLimited({ maxConnections: 50 });
  });
  afterAll(() => s.close());

  test('when 200 connections are open at once and the cap is 50, then 50 are served and the other 150 are closed unanswered', async () => {
    /** A connection that sends one request as soon as it is open; resolves with the status line, or 'closed'. */
    const ask = () =>
      new Promise<string>((resolve) => {
        let got = '';
        const sock = connect(s.port, '127.0.0.1', () => sock.write('GET /v1/checkpoint HTTP/1.1\r\nHost: x\r\n\r\n'));
        sockets.push(sock);
        sock.on('data', (d) => {
          got += d.toString('latin1');
          if (got.includes('\r\n\r\n')) resolve(got.slice(0, 12));
        });
        sock.on('error', () => undefined);
        sock.on('close', () => resolve(got.slice(0, 12) || 'closed'));
      });
    const sockets: Socket[] = [];
    const answers = await Promise.all(Array.from({ length: 200 }, ask));
    for (const sock of sockets) sock.destroy();
    expect({ served: answers.filter((a) => a === 'HTTP/1.1 200').length, closed: answers.filter((a) => a === 'closed').length }).toEqual({
      served: 50,
      closed: 150,
    });
  }, 30_000);

  test('when they are closed, then new connections are served again', async () => {
    // Wait (no deadline) until the server has seen them go.
    while ((await new Promise<number>((r) => s.server.getConnections((_e, n) => r(n)))) > 0) await new Promise((r) => setTimeout(r, 10));
    expect((await send(s.port, 'GET', '/healthz')).status).toBe(200);
  });
});

describe('many parallel connections', () => {
  let s: Limited;
  beforeAll(async () => {
    s = await startLimited({ maxConnections: 3000 });
  });
  afterAll(() => s.close());

  test('when 2,000 clients each open a connection and read the checkpoint at once, then every one is answered 200', async () => {
    const before = s.f.state();
    const answers = await Promise.all(Array.from({ length: 2000 }, () => send(s.port, 'GET', '/v1/checkpoint')));
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(s.f.state()).toEqual(before);
  }, 60_000);
});

describe('per-client rate limits', () => {
  let s: Limited;
  beforeAll(async () => {
    s = await startLimited({ writesPerSecond: 3, expensiveReadsPerMinute: 2 });
  });
  afterAll(() => s.close());

  test('when a client sends 10 writes at once and may send 3 a second, then the excess is 429 rate_limited with Retry-After and not appended', async () => {
    const events = Array.from({ length: 10 }, (_, i) =>
      signEvent(
        s.f.regulator,
        'actor.register',
        { id: `rl-${i}`, role: 'auditor', name: `rl ${i}`, publicKey: s.f.regulator.publicKey },
        s.f.clock,
      ),
    );
    const before = s.f.state().size;
    const answers = await Promise.all(
      events.map((e) => send(s.port, 'POST', '/v1/events', Buffer.from(JSON.stringify(e)), { 'content-type': 'application/json' })),
    );
    const limited = answers.filter((a) => a.status === 429);
    const accepted = answers.filter((a) => a.status === 201);
    // Even if the one-second window turned over once during the burst, at most 6 pass.
    expect(limited.length).toBeGreaterThanOrEqual(4);
    expect(limited.length + accepted.length).toBe(10);
    for (const res of limited) {
      expectCode(res, 429, 'rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(s.f.state().size).toBe(before + accepted.length);
  });

  test('when a regulator asks for an expensive read 4 times and may ask twice a minute, then the last two are 429 rate_limited', async () => {
    const get = () => {
      const path = '/v1/regulator/anomalies';
      const h = signRequest(nodeSuite, s.f.regulator, { method: 'GET', target: path }, Math.floor(s.f.clock.ms / 1000));
      return send(s.port, 'GET', path, undefined, { 'signature-input': h['Signature-Input'], signature: h.Signature });
    };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get()).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
  });

  test('when reads are cheap (the checkpoint), then they are not rate-limited', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => send(s.port, 'GET', '/v1/checkpoint')));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
  });
});
