/**
 * Length caps on the request target, each header and each query value, applied
 * by the pipeline before routing, authentication or any state lookup.
 */
import { jest } from '@jest/globals';
import { expectCode, send, startLimited, type Limited } from './http-support.js';

let s: Limited;
beforeAll(async () => {
  s = await startLimited();
});
afterAll(() => s.close());

/** The state keys looked up while `go` runs. */
const lookups = async (go: () => Promise<unknown>): Promise<string[]> => {
  const spy = jest.spyOn(s.f.ledger, 'get');
  try {
    await go();
    return spy.mock.calls.map((c) => String(c[0]));
  } finally {
    spy.mockRestore();
  }
};

describe('GET /v1/actors/{id} with a hostile id', () => {
  test('when the id is 12 KB, then 400 invalid_request and nothing is looked up', async () => {
    const keys = await lookups(async () =>
      expectCode(await send(s.port, 'GET', `/v1/actors/${'a'.repeat(12_000)}`), 400, 'invalid_request'),
    );
    expect(keys).toEqual([]);
  });

  test('when the id is 4000 characters (under the target cap), then 404 not_found without a lookup', async () => {
    const keys = await lookups(async () => expectCode(await send(s.port, 'GET', `/v1/actors/${'a'.repeat(4000)}`), 404, 'not_found'));
    expect(keys).toEqual([]);
  });

  test('when the id is a well-formed unknown id, then 404 not_found (the lookup happens: caps are not blanket refusals)', async () => {
    const keys = await lookups(async () => expectCode(await send(s.port, 'GET', '/v1/actors/nobody-here'), 404, 'not_found'));
    expect(keys.some((k) => k.includes('nobody-here'))).toBe(true);
  });
});

describe('headers', () => {
  test('when Signature-Input holds 15,500 spaces, then 400 invalid_request before any signature parsing', async () => {
    const res = await send(s.port, 'GET', '/v1/entries', undefined, {
      'signature-input': `sig1=a${' '.repeat(15_500)}x`,
      signature: 'sig1=:AAAA:',
    });
    expectCode(res, 400, 'invalid_request');
    expect(res.json.detail).toContain('signature-input');
  });

  test('when any header is longer than 4096 bytes, then 400 invalid_request', async () => {
    expectCode(await send(s.port, 'GET', '/v1/checkpoint', undefined, { 'x-anything': 'y'.repeat(5000) }), 400, 'invalid_request');
  });

  test('when all headers together pass the server limit, then Node refuses them: 431', async () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 8; i++) headers[`x-h${i}`] = 'z'.repeat(4000);
    const res = await send(s.port, 'GET', '/v1/checkpoint', undefined, headers);
    expect(res.status).toBe(431);
  });

  test('when X-Request-Id is not a short token, then a fresh id is used instead of it', async () => {
    const res = await send(s.port, 'GET', '/v1/checkpoint', undefined, { 'x-request-id': 'x'.repeat(100) });
    expect([res.status, res.headers['x-request-id']]).toEqual([200, expect.stringMatching(/^[0-9a-f-]{36}$/)]);
  });
});

describe('query strings', () => {
  test('when a query value is longer than 1024 characters, then 400 invalid_request', async () => {
    const res = await send(s.port, 'GET', `/v1/proofs/consistency?from=0&to=${'1'.repeat(2000)}`);
    expectCode(res, 400, 'invalid_request');
    expect(res.json.detail).toContain('query.to');
  });

  test('when a request has more than 32 query parameters, then 400 invalid_request', async () => {
    const q = Array.from({ length: 40 }, (_, i) => `p${i}=1`).join('&');
    expectCode(await send(s.port, 'GET', `/v1/checkpoint?${q}`), 400, 'invalid_request');
  });

  test('when the request target is longer than 4096 bytes, then 400 invalid_request', async () => {
    expectCode(await send(s.port, 'GET', `/v1/checkpoint?x=${'a'.repeat(5000)}`), 400, 'invalid_request');
  });
});

describe('paths', () => {
  test('when a path segment is not valid percent-encoding, then 400 invalid_request', async () => {
    expectCode(await send(s.port, 'GET', '/v1/actors/%E0%A4%A'), 400, 'invalid_request');
  });

  test('when a /v1 path names no route, then 404 not_found as problem+json', async () => {
    expectCode(await send(s.port, 'GET', '/v1/no/such/route'), 404, 'not_found');
  });

  test('when a known path is asked with another method, then 404 not_found', async () => {
    expectCode(await send(s.port, 'DELETE', '/v1/checkpoint'), 404, 'not_found');
  });
});
