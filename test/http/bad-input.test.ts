/**
 * Bad input at the edge: every malformed, mistyped, oversized or forged request
 * is refused with its stable code, the ledger unchanged, nothing internal leaked.
 */
import request from 'supertest';
import { z } from 'zod';
import { nodeSuite, toBase64, type Envelope, type SigningKey, signRequest } from '../../ledger/index.js';
import { money } from '../../schemas/common.js';
import { PLUGINS, type Plugin } from '../../src/plugins.js';
import { newKey, signEvent, startFixture, type Fixture } from '../helpers/fixture.js';
import { rejects } from '../helpers/outcomes.js';

/** A plug-in with an integer field, to test number handling through the real admission path. */
const counter: Plugin = {
  domain: {
    name: 'counter',
    events: [
      {
        type: 'counter.add',
        body: z.strictObject({ fen: money }),
        roles: ['auditor'],
        apply: (state, event) => state.put('counter', (state.get<number>('counter') ?? 0) + (event.body as { fen: number }).fen),
      },
    ],
  },
};

let f: Fixture;
let auditor: SigningKey;

beforeAll(async () => {
  f = await startFixture({ plugins: [...PLUGINS, counter] });
  auditor = await f.register('aud-1', 'auditor');
});
afterAll(() => f.close());

const json = (text: string | Buffer, type = 'application/json') => request(f.app).post('/v1/events').set('content-type', type).send(text);
const registration = (id: string, extra: Record<string, unknown> = {}) =>
  signEvent(
    f.regulator,
    'actor.register',
    { id, role: 'auditor', name: `auditor ${id}`, publicKey: newKey(id).publicKey, ...extra },
    f.clock,
  );
/** Re-signs an envelope after `change` (so only the change, not the signature, is wrong). */
const resigned = (env: Envelope, change: (e: Record<string, any>) => void, key: SigningKey = f.regulator): Envelope => {
  const { sig: _s, cosig: _c, ...rest } = structuredClone(env) as Record<string, any>;
  change(rest);
  return signEvent(key, rest.type, rest.body, f.clock, { id: rest.id, at: rest.at, actor: rest.actor });
};

describe('malformed JSON', () => {
  test.each([
    ['a truncated object', '{"v":1,"id":'],
    ['a trailing comma', '{"v":1,}'],
    ['single quotes', "{'v':1}"],
    ['a bare string', '"event"'],
    ['null', 'null'],
  ])('when the body is %s, then 400 invalid_json', async (_what, body) => {
    await rejects(f, () => json(body), 'invalid_json');
  });

  test('when the body holds invalid UTF-8, then the bytes never reach the ledger (400 invalid_json)', async () => {
    // serialize: superagent would JSON-encode a Buffer sent as application/json; these are the raw bytes.
    const bytes = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
    const res = await rejects(f, () => json(bytes).serialize(() => bytes as unknown as string), 'invalid_json');
    expect(res.body.detail).toContain('UTF-8');
  });

  test('when there is no body, then 400 invalid_json', async () => {
    await rejects(f, () => request(f.app).post('/v1/events'), 'invalid_json');
  });

  test('when the body is JSON sent as text/plain, then 400 invalid_json asking for application/json', async () => {
    const res = await rejects(f, () => json(JSON.stringify(registration('a-0')), 'text/plain'), 'invalid_json');
    expect(res.body.detail).toContain('application/json');
  });

  test('when a gzip Content-Encoding carries a corrupt stream, then 400 invalid_json (not a 500)', async () => {
    await rejects(f, () => json('not gzip at all').set('content-encoding', 'gzip'), 'invalid_json');
  });

  test('when the body is a JSON array instead of an object, then 400 invalid_event', async () => {
    await rejects(f, () => json(JSON.stringify([registration('a-1')])), 'invalid_event');
  });
});

describe('the envelope: wrong types, missing and extra fields', () => {
  test.each([
    ['v is the string "1"', (e: any) => (e.v = '1')],
    ['v is 2', (e: any) => (e.v = 2)],
    ['id is a number', (e: any) => (e.id = 12345678)],
    ['id is too short', (e: any) => (e.id = 'abc')],
    ['type is not dotted lower camel', (e: any) => (e.type = 'Actor.Register')],
    ['actor is an object', (e: any) => (e.actor = { id: 'regulator' })],
    ['at has no milliseconds', (e: any) => (e.at = '2026-11-22T08:00:00Z')],
    ['at is not a real instant', (e: any) => (e.at = '2026-02-30T08:00:00.000Z')],
    ['at is a number', (e: any) => (e.at = Date.parse('2026-11-22T08:00:00.000Z'))],
    ['body is a string', (e: any) => (e.body = 'register me')],
    ['body is null', (e: any) => (e.body = null)],
    ['sig is a number', (e: any) => (e.sig = 42)],
    ['cosig has an unknown role', (e: any) => (e.cosig = { merchant: e.sig })],
  ])('when %s, then 400 invalid_event', async (_what, change) => {
    const env = registration('a-2') as any;
    change(env);
    await rejects(f, () => f.postEnvelope(env), 'invalid_event');
  });

  test.each(['v', 'id', 'type', 'actor', 'at', 'body', 'sig'])('when %s is missing, then 400 invalid_event naming it', async (field) => {
    const env = registration('a-3') as any;
    delete env[field];
    const res = await rejects(f, () => f.postEnvelope(env), 'invalid_event');
    expect(res.body.detail).toContain(field);
  });

  test.each([
    ['601 s ahead of', 601_000],
    ['601 s behind', -601_000],
  ])('when at is %s the server clock, then 422 stale_event', async (_what, offset) => {
    const at = new Date(f.clock.ms + offset).toISOString();
    await rejects(
      f,
      () => f.post(f.regulator, 'actor.register', { id: 'a-st', role: 'auditor', name: 'n', publicKey: newKey('k').publicKey }, { at }),
      'stale_event',
    );
  });

  test('when at is exactly 600 s behind the server clock, then the event is accepted', async () => {
    const at = new Date(f.clock.ms - 600_000).toISOString();
    expect(
      (await f.post(f.regulator, 'actor.register', { id: 'a-st2', role: 'auditor', name: 'n', publicKey: newKey('k').publicKey }, { at }))
        .status,
    ).toBe(201);
  });

  test('when the envelope has an extra field, even signed, then 400 invalid_event (strict)', async () => {
    const env = { ...registration('a-4'), note: 'hi' };
    const res = await rejects(f, () => f.postEnvelope(env), 'invalid_event');
    expect(res.body.detail).toContain('note');
  });

  test('when the body has an extra field, even signed, then 400 invalid_event naming it (strict)', async () => {
    const env = registration('a-5', { nickname: 'Ann' });
    const res = await rejects(f, () => f.postEnvelope(env), 'invalid_event');
    expect(res.body.detail).toContain('nickname');
  });

  test('when the body has a __proto__ key, then 400 invalid_event and nothing is polluted', async () => {
    const text = JSON.stringify(registration('a-6')).replace('"body":{', '"body":{"__proto__":{"role":"regulator"},');
    await rejects(f, () => json(text), 'invalid_event');
    expect(({} as any).role).toBeUndefined();
  });

  test('when a body field has the wrong type, then 400 invalid_event naming body.<field>', async () => {
    const res = await rejects(
      f,
      () => f.post(f.regulator, 'actor.register', { id: 'a-7', role: 'auditor', name: 7, publicKey: newKey('k').publicKey }),
      'invalid_event',
    );
    expect(res.body.detail).toContain('body.name');
  });

  test('when a required body field is missing, then 400 invalid_event naming it', async () => {
    const res = await rejects(f, () => f.post(f.regulator, 'actor.register', { id: 'a-8', role: 'auditor', name: 'n' }), 'invalid_event');
    expect(res.body.detail).toContain('body.publicKey');
  });

  test('when the role is not one of SPEC §5, then 400 invalid_event', async () => {
    await rejects(
      f,
      () => f.post(f.regulator, 'actor.register', { id: 'a-9', role: 'admin', name: 'n', publicKey: newKey('k').publicKey }),
      'invalid_event',
    );
  });
});

describe('numbers where integers are required (integer fen)', () => {
  test.each([
    ['fractional', 1.5],
    ['negative', -100],
    ['zero', 0],
    ['above 2^53', 2 ** 53 + 2],
    ['a numeric string', '100'],
  ])('when fen is %s, then 400 invalid_event', async (_what, fen) => {
    await rejects(f, () => f.post(auditor, 'counter.add', { fen }), 'invalid_event');
  });

  test('when fen is 1e400 (Infinity once parsed), then 400 invalid_event', async () => {
    const text = JSON.stringify(signEvent(auditor, 'counter.add', { fen: 1 }, f.clock)).replace('"fen":1', '"fen":1e400');
    await rejects(f, () => json(text), 'invalid_event');
  });

  test('when fen is 1e2 (an integer in exponent form), then it is accepted as 100', async () => {
    const res = await f.post(auditor, 'counter.add', { fen: 1e2 });
    expect(res.status).toBe(201);
    expect(f.ledger.get('counter')).toBe(100);
  });

  test.each([
    ['-1', 'from=-1&to=1'],
    ['1.5', 'from=1.5&to=2'],
    ['1e3', 'from=1e3&to=2000'],
    ['above 2^53', 'from=0&to=99999999999999999'],
    ['empty', 'from=&to=1'],
    ['repeated', 'from=0&from=1&to=1'],
  ])('when a query integer is %s, then 400 invalid_request', async (_what, query) => {
    await rejects(f, () => request(f.app).get(`/v1/proofs/consistency?${query}`), 'invalid_request');
  });

  test.each(['-1', '1.5', '9007199254740993', '0x1', 'one'])('when an entry index is %s, then 400 invalid_request', async (index) => {
    await rejects(f, () => f.get(`/v1/entries/${index}`, f.regulator), 'invalid_request');
  });
});

describe('oversized bodies', () => {
  test('when one event is over 256 KiB, then 413 payload_too_large', async () => {
    await rejects(
      f,
      () =>
        f.post(f.regulator, 'actor.register', { id: 'a-10', role: 'auditor', name: 'x'.repeat(300_000), publicKey: newKey('k').publicKey }),
      'payload_too_large',
    );
  });

  test('when a batch is over 8 MiB, then 413 payload_too_large', async () => {
    await rejects(
      f,
      () =>
        request(f.app)
          .post('/v1/events/batch')
          .send({ events: [{ pad: 'x'.repeat(9 * 1024 * 1024) }] }),
      'payload_too_large',
    );
  });

  test('when a field is longer than its schema allows, then 400 invalid_event', async () => {
    await rejects(
      f,
      () => f.post(f.regulator, 'actor.register', { id: 'a-11', role: 'auditor', name: 'x'.repeat(201), publicKey: newKey('k').publicKey }),
      'invalid_event',
    );
  });
});

describe('keys and signatures', () => {
  test.each([
    ['standard base64 characters', (k: string) => k.slice(0, 41) + '+/'],
    ['padding', (k: string) => k + '='],
    ['one character short', (k: string) => k.slice(1)],
    ['non-canonical last character', (k: string) => k.slice(0, 42) + 'B'],
  ])('when a publicKey uses %s, then 400 invalid_event', async (_what, mangle) => {
    await rejects(
      f,
      () => f.post(f.regulator, 'actor.register', { id: 'a-12', role: 'auditor', name: 'n', publicKey: mangle(newKey('k').publicKey) }),
      'invalid_event',
    );
  });

  test.each([
    ['standard base64 characters', (s: string) => s.slice(0, 84) + '+/'],
    ['padding', (s: string) => s + '=='],
    ['one character short', (s: string) => s.slice(1)],
  ])('when sig uses %s, then 400 invalid_event', async (_what, mangle) => {
    const env = registration('a-13');
    await rejects(f, () => f.postEnvelope({ ...env, sig: mangle(env.sig) }), 'invalid_event');
  });

  test('when sig is well-formed but from another key, then 401 bad_signature', async () => {
    const env = registration('a-14');
    const forged = signEvent(newKey('regulator'), env.type, env.body, f.clock, { id: env.id, at: env.at });
    await rejects(f, () => f.postEnvelope(forged), 'bad_signature');
  });

  test('when a signed field is changed after signing, then 401 bad_signature', async () => {
    const env = registration('a-15');
    await rejects(f, () => f.postEnvelope({ ...env, body: { ...(env.body as object), name: 'someone else' } }), 'bad_signature');
  });

  test('when an actor signs as another actor, then 401 bad_signature', async () => {
    await rejects(f, () => f.postEnvelope(resigned(registration('a-16'), () => undefined, auditor)), 'bad_signature');
  });

  test('when an accepted event is replayed with a changed body, then 409 duplicate_id', async () => {
    const env = registration('a-17');
    expect((await f.postEnvelope(env)).status).toBe(201);
    await rejects(f, () => f.postEnvelope(resigned(env, (e) => (e.body.name = 'changed'))), 'duplicate_id');
  });
});

describe('signed reads (RFC 9421)', () => {
  const headers = (target: string, o: { key?: SigningKey; keyid?: string; created?: number; method?: string } = {}) =>
    signRequest(
      nodeSuite,
      { id: o.keyid ?? (o.key ?? f.regulator).id, seed: (o.key ?? f.regulator).seed },
      { method: o.method ?? 'GET', target },
      o.created ?? Math.floor(f.clock.ms / 1000),
    );
  const get = (target: string, h: Record<string, string>) => {
    const req = request(f.app).get(target);
    for (const [k, v] of Object.entries(h)) req.set(k, v);
    return req;
  };

  test('when the signature is fresh and by the regulator, then the read is answered', async () => {
    expect((await get('/v1/entries?limit=1', headers('/v1/entries?limit=1'))).status).toBe(200);
  });

  test.each([
    ['301 s old', -301],
    ['301 s in the future', 301],
  ])('when created is %s, then 401 unauthenticated', async (_what, offset) => {
    await rejects(
      f,
      () => get('/v1/entries', headers('/v1/entries', { created: Math.floor(f.clock.ms / 1000) + offset })),
      'unauthenticated',
    );
  });

  test('when created is 300 s old, then the read is still answered', async () => {
    expect((await get('/v1/entries', headers('/v1/entries', { created: Math.floor(f.clock.ms / 1000) - 300 }))).status).toBe(200);
  });

  test('when keyid names another actor than the signing key, then 401 unauthenticated', async () => {
    await rejects(f, () => get('/v1/entries', headers('/v1/entries', { key: auditor, keyid: 'regulator' })), 'unauthenticated');
  });

  test('when keyid is not registered, then 401 unauthenticated', async () => {
    await rejects(f, () => get('/v1/entries', headers('/v1/entries', { key: newKey('nobody') })), 'unauthenticated');
  });

  const tamper: Array<[string, (h: { 'Signature-Input': string; Signature: string }) => Record<string, string>]> = [
    [
      'created is changed in Signature-Input',
      (h) => ({ ...h, 'Signature-Input': h['Signature-Input'].replace(/created=(\d+)/, (_m, c) => `created=${Number(c) - 1}`) }),
    ],
    [
      'keyid is changed in Signature-Input',
      (h) => ({ ...h, 'Signature-Input': h['Signature-Input'].replace('keyid="regulator"', 'keyid="aud-1"') }),
    ],
    ['alg is missing', (h) => ({ ...h, 'Signature-Input': h['Signature-Input'].replace(';alg="ed25519"', '') })],
    ['alg is another', (h) => ({ ...h, 'Signature-Input': h['Signature-Input'].replace('"ed25519"', '"rsa-pss-sha512"') })],
    ['fewer components are covered', (h) => ({ ...h, 'Signature-Input': h['Signature-Input'].replace(' "@query"', '') })],
    [
      'the label is not sig1',
      (h) => ({ 'Signature-Input': h['Signature-Input'].replace('sig1=', 'sig2='), Signature: h.Signature.replace('sig1=', 'sig2=') }),
    ],
    [
      'one signature byte is flipped',
      (h) => {
        const raw = Buffer.from(h.Signature.slice(6, -1), 'base64');
        raw[0] ^= 1;
        return { ...h, Signature: `sig1=:${toBase64(raw)}:` };
      },
    ],
    ['the signature is not a byte sequence', (h) => ({ ...h, Signature: 'sig1=not-base64' })],
    ['the signature is 32 bytes', (h) => ({ ...h, Signature: `sig1=:${toBase64(new Uint8Array(32))}:` })],
    ['Signature is missing', (h) => ({ 'Signature-Input': h['Signature-Input'] })],
    ['Signature-Input is missing', (h) => ({ Signature: h.Signature })],
  ];
  test.each(tamper)('when %s, then 401 unauthenticated', async (_what, change) => {
    await rejects(f, () => get('/v1/entries', change(headers('/v1/entries'))), 'unauthenticated');
  });

  test('when the signature covers another query, then 401 unauthenticated', async () => {
    await rejects(f, () => get('/v1/entries?from=1', headers('/v1/entries?from=0')), 'unauthenticated');
  });

  test('when the signature covers another path, then 401 unauthenticated', async () => {
    await rejects(f, () => get('/v1/entries/0', headers('/v1/entries/1')), 'unauthenticated');
  });

  test('when the signature covers another method, then 401 unauthenticated', async () => {
    await rejects(f, () => get('/v1/entries', headers('/v1/entries', { method: 'POST' })), 'unauthenticated');
  });
});
