/**
 * Hostile request bodies against the real server (pipeline + body reader):
 * compression bombs, element floods, deep nesting, duplicate keys, lone
 * surrogates, long numbers and malformed UTF-8 are each refused with a clear
 * code, before JSON.parse, and the ledger does not move.
 */
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import { signEvent } from '../helpers/fixture.js';
import { expectCode, send, startLimited, type Limited, type RawAnswer } from './http-support.js';

let s: Limited;
beforeAll(async () => {
  s = await startLimited();
});
afterAll(() => s.close());

const JSON_TYPE = { 'content-type': 'application/json' };
const register = (id: string, name = `冷链 ${id}`) =>
  signEvent(s.f.regulator, 'actor.register', { id, role: 'carrier', name, publicKey: s.f.regulator.publicKey }, s.f.clock);

/** Sends a request and asserts it is refused with `code`, and that the ledger's size and head did not move. */
const refused = async (status: number, code: string, go: () => Promise<RawAnswer>): Promise<RawAnswer> => {
  const before = s.f.state();
  const res = await go();
  expectCode(res, status, code);
  expect(s.f.state()).toEqual(before);
  return res;
};

/** {"events":[{},{},…]} with n empty objects. */
const flood = (n: number) => Buffer.from(`{"events":[${'{},'.repeat(n - 1)}{}]}`);

describe('compressed bodies', () => {
  test('when a 2.8-million-object batch arrives as a gzip bomb, then 413 payload_too_large', async () => {
    const bomb = gzipSync(flood(2_800_000));
    expect(bomb.length).toBeLessThan(20_000);
    const res = await refused(413, 'payload_too_large', () =>
      send(s.port, 'POST', '/v1/events/batch', bomb, { ...JSON_TYPE, 'content-encoding': 'gzip' }),
    );
    expect(res.json.detail).toMatch(/at most 1000 events|inflates/);
  });

  test.each([
    ['the 33-byte bomb with a 16 MiB window', 24],
    ['a bomb with the encoders’ default 4 MiB window', 22],
  ])('when a brotli body arrives (%s), then 400 invalid_json before it is read, naming the codings accepted', async (_what, lgwin) => {
    const bomb = brotliCompressSync(flood(2_800_000), {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: lgwin },
    });
    expect(bomb.length).toBeLessThan(64);
    const res = await refused(400, 'invalid_json', () =>
      send(s.port, 'POST', '/v1/events/batch', bomb, { ...JSON_TYPE, 'content-encoding': 'br' }),
    );
    expect(res.json.detail).toBe('Content-Encoding br is not supported (use gzip or deflate)');
  });

  test('when a brotli batch of real events is sent, then it is refused too (gzip is the compression to use)', async () => {
    const batch = JSON.stringify({ events: [register('hb-br-1'), register('hb-br-2')] });
    await refused(400, 'invalid_json', () =>
      send(s.port, 'POST', '/v1/events/batch', brotliCompressSync(batch), { ...JSON_TYPE, 'content-encoding': 'br' }),
    );
  });

  test('when ten gzip bombs arrive at once, then each is 413 and the service still answers', async () => {
    const bomb = gzipSync(flood(2_800_000));
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => send(s.port, 'POST', '/v1/events/batch', bomb, { ...JSON_TYPE, 'content-encoding': 'gzip' })),
    );
    for (const res of answers) expectCode(res, 413, 'payload_too_large');
    expect((await send(s.port, 'GET', '/v1/checkpoint')).status).toBe(200);
  });

  test('when a single event inflates more than 50 times (a deflate stream of spaces), then 413 payload_too_large', async () => {
    const body = deflateSync(Buffer.from(`{"pad":"${' '.repeat(200_000)}"}`));
    const res = await refused(413, 'payload_too_large', () =>
      send(s.port, 'POST', '/v1/events', body, { ...JSON_TYPE, 'content-encoding': 'deflate' }),
    );
    expect(res.json.detail).toContain('inflates');
  });

  test('when a gzip batch of real events compresses normally, then it is accepted (compression is not refused)', async () => {
    const body = gzipSync(JSON.stringify({ events: [register('hb-gz-1'), register('hb-gz-2')] }));
    const res = await send(s.port, 'POST', '/v1/events/batch', body, { ...JSON_TYPE, 'content-encoding': 'gzip' });
    expect([res.status, res.json.receipts?.length]).toEqual([201, 2]);
  });

  test('when the Content-Encoding is not gzip or deflate, then 400 invalid_json', async () => {
    await refused(400, 'invalid_json', () =>
      send(s.port, 'POST', '/v1/events', Buffer.from('{}'), { ...JSON_TYPE, 'content-encoding': 'zstd' }),
    );
  });

  test.each(['constructor', 'toString', '__proto__'])(
    'when the Content-Encoding names an Object property (%s), then 400 invalid_json, not a crash',
    async (coding) => {
      await refused(400, 'invalid_json', () =>
        send(s.port, 'POST', '/v1/events', Buffer.from('{}'), { ...JSON_TYPE, 'content-encoding': coding }),
      );
    },
  );
});

describe('element floods', () => {
  test('when an uncompressed batch holds 2 million empty objects (6 MB, under the size limit), then 413 payload_too_large after the 1001st', async () => {
    const res = await refused(413, 'payload_too_large', () => send(s.port, 'POST', '/v1/events/batch', flood(2_000_000), JSON_TYPE));
    expect(res.json.detail).toContain('at most 1000 events');
  });

  test('when a batch body is a bare array of 100,000 objects, then 413 payload_too_large (counted too)', async () => {
    await refused(413, 'payload_too_large', () =>
      send(s.port, 'POST', '/v1/events/batch', Buffer.from(`[${'{},'.repeat(99_999)}{}]`), JSON_TYPE),
    );
  });

  test('when the objects hide one level deeper, then the container cap stops them: 413 payload_too_large', async () => {
    const body = Buffer.from(`{"events":[{"x":[${'{},'.repeat(2_999_999)}{}]}]}`);
    await refused(413, 'payload_too_large', () => send(s.port, 'POST', '/v1/events/batch', body, JSON_TYPE));
  });

  test('when a batch holds exactly 1000 elements, then the count lets it through to the rules (422 batch_rejected, not 413)', async () => {
    await refused(422, 'batch_rejected', () => send(s.port, 'POST', '/v1/events/batch', flood(1000), JSON_TYPE));
  });
});

describe('JSON that JSON.parse would accept but must not', () => {
  test('when the body is nested 33 levels deep, then 400 invalid_json', async () => {
    const res = await refused(400, 'invalid_json', () =>
      send(s.port, 'POST', '/v1/events', Buffer.from('{"a":'.repeat(33) + '1' + '}'.repeat(33)), JSON_TYPE),
    );
    expect(res.json.detail).toContain('nested deeper');
  });

  test('when an envelope repeats a key, then 400 invalid_json naming it (JSON.parse would keep the last)', async () => {
    const ev = register('hb-dup-1');
    const text = JSON.stringify(ev).replace('"actor":', '"actor":"someone","actor":');
    const res = await refused(400, 'invalid_json', () => send(s.port, 'POST', '/v1/events', Buffer.from(text), JSON_TYPE));
    expect(res.json.detail).toContain('"actor"');
  });

  test('when a key is repeated with an escape (\\u0061ctor), then it is still a duplicate: 400 invalid_json', async () => {
    const text = JSON.stringify(register('hb-dup-2')).replace('"actor":', '"\\u0061ctor":"x","actor":');
    await refused(400, 'invalid_json', () => send(s.port, 'POST', '/v1/events', Buffer.from(text), JSON_TYPE));
  });

  test('when the same key appears in two different objects, then that is no duplicate (the event is accepted)', async () => {
    const res = await send(s.port, 'POST', '/v1/events', Buffer.from(JSON.stringify(register('hb-dup-3'))), JSON_TYPE);
    expect(res.status).toBe(201);
  });

  test.each([
    ['a lone high surrogate', '\\ud800'],
    ['a lone low surrogate', '\\udc00'],
    ['a high surrogate followed by a letter', '\\ud83dx'],
  ])('when a string holds %s, then 400 invalid_json', async (_what, escape) => {
    const text = JSON.stringify(register('hb-sur-1')).replace('"冷链 hb-sur-1"', `"冷链 ${escape}"`);
    const res = await refused(400, 'invalid_json', () => send(s.port, 'POST', '/v1/events', Buffer.from(text), JSON_TYPE));
    expect(res.json.detail).toContain('surrogate');
  });

  test('when a string holds an escaped surrogate pair (🐟), then it is read as the character it stands for', async () => {
    const ev = register('hb-sur-2', '冷链 🐟');
    const text = JSON.stringify(ev).replace('🐟', '\\ud83d\\udc1f');
    const res = await send(s.port, 'POST', '/v1/events', Buffer.from(text), JSON_TYPE);
    expect(res.status).toBe(201);
  });

  test('when a number is 100 digits long, then 400 invalid_json', async () => {
    const text = `{"v":${'9'.repeat(100)}}`;
    const res = await refused(400, 'invalid_json', () => send(s.port, 'POST', '/v1/events', Buffer.from(text), JSON_TYPE));
    expect(res.json.detail).toContain('number');
  });

  test.each([
    ['an invalid byte', [0xff]],
    ['a truncated sequence', [0xe5, 0x86]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['an encoded surrogate (CESU-8)', [0xed, 0xa0, 0x80]],
  ])('when a string holds %s of UTF-8, then 400 invalid_json', async (_what, bytes) => {
    const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes), Buffer.from('"}')]);
    const res = await refused(400, 'invalid_json', () => send(s.port, 'POST', '/v1/events', body, JSON_TYPE));
    expect(res.json.detail).toContain('UTF-8');
  });

  test('when a charset other than UTF-8 is declared, then 400 invalid_json', async () => {
    await refused(400, 'invalid_json', () =>
      send(s.port, 'POST', '/v1/events', Buffer.from('{}'), { 'content-type': 'application/json; charset=iso-8859-1' }),
    );
  });

  test('when the Content-Type header is not a media type, then the body is not JSON: 400 invalid_json', async () => {
    await refused(400, 'invalid_json', () => send(s.port, 'POST', '/v1/events', Buffer.from('{}'), { 'content-type': 'json' }));
  });
});

describe('body sizes', () => {
  test('when Content-Length declares more than the limit, then 413 payload_too_large before any byte is read', async () => {
    await refused(413, 'payload_too_large', () =>
      send(s.port, 'POST', '/v1/events', Buffer.alloc(300 * 1024, 0x20), { ...JSON_TYPE, 'content-length': String(300 * 1024) }),
    );
  });

  test('when a chunked body grows past the limit, then 413 payload_too_large', async () => {
    await refused(413, 'payload_too_large', () =>
      send(s.port, 'POST', '/v1/events', Buffer.from(`{"pad":"${'x'.repeat(300 * 1024)}"}`), {
        ...JSON_TYPE,
        'transfer-encoding': 'chunked',
      }),
    );
  });
});
