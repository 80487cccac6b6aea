/**
 * The actor registry over HTTP (SPEC §5): the genesis regulators as root of
 * trust, registration and its merchant rules, key rotation, suspension and
 * reinstatement, and GET /v1/actors/{id}. The verifier's replay of the same
 * log accepts every entry.
 */
import request from 'supertest';
import { verifyLog, type SigningKey } from '../../ledger/index.js';
import { Catalogue } from '../../src/domain/catalogue.js';
import { domainReplay } from '../../src/domain/replay.js';
import { DOMAINS } from '../../src/plugins.js';
import { ORIGIN, newKey, startFixture, type Fixture } from '../helpers/fixture.js';
import { rejects } from '../helpers/outcomes.js';

let f: Fixture;

beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.close());

const registration = (id: string, role: string, extra: Record<string, unknown> = {}) => ({
  id,
  role,
  name: `${role} ${id}`,
  publicKey: newKey(id).publicKey,
  ...extra,
});

describe('the genesis regulators', () => {
  test('the root regulator of the genesis entry is an active regulator with the configured key, registered at index 0', async () => {
    const res = await request(f.app).get('/v1/actors/regulator');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: 'regulator',
      role: 'regulator',
      name: '椒江区市场监督管理局',
      status: 'active',
      publicKey: f.regulator.publicKey,
      registeredAt: f.ledger.entry(0)!.at,
      registeredIndex: 0,
    });
  });

  test('when the root regulator registers a second regulator, then that one may register actors too', async () => {
    const second = await f.register('reg-2', 'regulator');
    const res = await f.post(second, 'actor.register', registration('aud-by-reg-2', 'auditor'));
    expect(res.status).toBe(201);
  });

  test('when a key that is not the root regulator\'s signs as "regulator", then 401 bad_signature', async () => {
    await rejects(f, () => f.post(newKey('regulator'), 'actor.register', registration('x-1', 'auditor')), 'bad_signature');
  });
});

describe('actor.register', () => {
  test('when a regulator registers an actor, then GET /v1/actors/{id} returns its registration, role, status and key', async () => {
    const body = registration('prod-1', 'producer', { creditCode: '91330100MA2B3C4D5E', region: '浙江省台州市' });
    const res = await f.post(f.regulator, 'actor.register', body);
    expect(res.status).toBe(201);
    const actor = await request(f.app).get('/v1/actors/prod-1');
    expect(actor.status).toBe(200);
    expect(actor.body).toEqual({ ...body, status: 'active', registeredAt: res.body.at, registeredIndex: res.body.index });
  });

  test.each(['merchant', 'auditor', 'producer', 'custodian'])('when a %s posts actor.register, then 403 forbidden', async (role) => {
    const key = await f.register(
      `${role}-poster`,
      role,
      role === 'merchant' ? { merchant: { tier: 'other', custodian: await custodian() } } : {},
    );
    await rejects(f, () => f.post(key, 'actor.register', registration(`x-${role}`, 'auditor')), 'forbidden');
  });

  test('when the id is already registered, then 409 actor_exists', async () => {
    await rejects(f, () => f.post(f.regulator, 'actor.register', registration('prod-1', 'auditor')), 'actor_exists');
  });

  test("when the id is a genesis regulator's, then 409 actor_exists", async () => {
    await rejects(f, () => f.post(f.regulator, 'actor.register', registration('regulator', 'auditor')), 'actor_exists');
  });

  test('when the id is "operator", then 409 actor_exists', async () => {
    await rejects(f, () => f.post(f.regulator, 'actor.register', registration('operator', 'auditor')), 'actor_exists');
  });

  test('when the id starts with "card:", then 400 invalid_event (card holders are implicit)', async () => {
    await rejects(f, () => f.post(f.regulator, 'actor.register', registration('card:C-1', 'auditor')), 'invalid_event');
  });

  test('when the role is "holder", then 400 invalid_event (holders are implicit)', async () => {
    await rejects(f, () => f.post(f.regulator, 'actor.register', registration('h-1', 'holder')), 'invalid_event');
  });

  test('when the credit code is not 18 characters, then 400 invalid_event', async () => {
    await rejects(f, () => f.post(f.regulator, 'actor.register', registration('x-2', 'producer', { creditCode: '9133' })), 'invalid_event');
  });
});

let custodianId: string | undefined;
const custodian = async (): Promise<string> => {
  if (!custodianId) {
    await f.register('bank-1', 'custodian');
    custodianId = 'bank-1';
  }
  return custodianId;
};

describe('actor.register for a merchant', () => {
  beforeAll(async () => {
    await custodian();
    await f.register('ins-1', 'insurer');
    await f.register('aud-m', 'auditor');
  });

  test('when the custodian and insurer are registered with those roles, then the merchant is registered with its block', async () => {
    const merchant = { tier: 'scale', custodian: 'bank-1', insurer: 'ins-1' };
    const res = await f.post(f.regulator, 'actor.register', registration('m-1', 'merchant', { merchant }));
    expect(res.status).toBe(201);
    expect((await request(f.app).get('/v1/actors/m-1')).body).toMatchObject({ role: 'merchant', merchant });
  });

  test('when a merchant has no merchant block, then 400 invalid_event', async () => {
    await rejects(f, () => f.post(f.regulator, 'actor.register', registration('m-2', 'merchant')), 'invalid_event');
  });

  test('when a non-merchant has a merchant block, then 400 invalid_event', async () => {
    await rejects(
      f,
      () => f.post(f.regulator, 'actor.register', registration('p-2', 'producer', { merchant: { tier: 'other', custodian: 'bank-1' } })),
      'invalid_event',
    );
  });

  test('when the custodian is not registered, then 400 invalid_event naming it', async () => {
    const res = await rejects(
      f,
      () => f.post(f.regulator, 'actor.register', registration('m-3', 'merchant', { merchant: { tier: 'other', custodian: 'bank-x' } })),
      'invalid_event',
    );
    expect(res.body.detail).toContain('bank-x');
  });

  test('when the custodian is registered with another role, then 400 invalid_event', async () => {
    await rejects(
      f,
      () => f.post(f.regulator, 'actor.register', registration('m-4', 'merchant', { merchant: { tier: 'other', custodian: 'aud-m' } })),
      'invalid_event',
    );
  });

  test('when the insurer is not registered as an insurer, then 400 invalid_event', async () => {
    await rejects(
      f,
      () =>
        f.post(
          f.regulator,
          'actor.register',
          registration('m-5', 'merchant', { merchant: { tier: 'other', custodian: 'bank-1', insurer: 'bank-1' } }),
        ),
      'invalid_event',
    );
  });

  test('when the tier is not one of SPEC §5, then 400 invalid_event', async () => {
    await rejects(
      f,
      () => f.post(f.regulator, 'actor.register', registration('m-6', 'merchant', { merchant: { tier: 'gold', custodian: 'bank-1' } })),
      'invalid_event',
    );
  });

  test('when the merchant block has an extra field, then 400 invalid_event', async () => {
    await rejects(
      f,
      () =>
        f.post(
          f.regulator,
          'actor.register',
          registration('m-7', 'merchant', { merchant: { tier: 'other', custodian: 'bank-1', ratio: 1 } }),
        ),
      'invalid_event',
    );
  });
});

describe('actor.rotateKey', () => {
  let old: SigningKey;
  const fresh = newKey('aud-r');

  beforeAll(async () => {
    old = await f.register('aud-r', 'auditor');
  });

  test('when an actor rotates its key, then GET /v1/actors/{id} shows the new key and the index of the rotation', async () => {
    const res = await f.post(old, 'actor.rotateKey', { publicKey: fresh.publicKey });
    expect(res.status).toBe(201);
    expect((await request(f.app).get('/v1/actors/aud-r')).body).toMatchObject({
      publicKey: fresh.publicKey,
      keyRotatedIndex: res.body.index,
    });
  });

  test('when the rotated-out key signs an event, then 401 bad_signature', async () => {
    await rejects(f, () => f.post(old, 'actor.rotateKey', { publicKey: newKey('k').publicKey }), 'bad_signature');
  });

  test('when the rotated-out key signs a read, then 401 unauthenticated', async () => {
    await rejects(f, () => f.get('/v1/entries?limit=1', old), 'unauthenticated');
  });

  test('when the new key signs, then events and reads are accepted', async () => {
    expect((await f.get('/v1/entries?limit=1', fresh)).status).toBe(200);
    const newer = newKey('aud-r');
    expect((await f.post(fresh, 'actor.rotateKey', { publicKey: newer.publicKey })).status).toBe(201);
  });

  test('when the new key is the current one, then 400 invalid_event', async () => {
    const k = await f.register('aud-r2', 'auditor');
    await rejects(f, () => f.post(k, 'actor.rotateKey', { publicKey: k.publicKey }), 'invalid_event');
  });

  test('when an actor rotates, then only its own key changes', async () => {
    const a = await f.register('aud-r3', 'auditor');
    const before = (await request(f.app).get('/v1/actors/aud-r2')).body.publicKey;
    const res = await f.post(a, 'actor.rotateKey', { publicKey: newKey('x').publicKey });
    expect(res.status).toBe(201);
    expect((await request(f.app).get('/v1/actors/aud-r2')).body.publicKey).toBe(before);
  });

  test('when the body names an id, then 400 invalid_event (a rotation is always for its signer)', async () => {
    const k = await f.register('aud-r4', 'auditor');
    await rejects(f, () => f.post(k, 'actor.rotateKey', { id: 'aud-r2', publicKey: newKey('x').publicKey }), 'invalid_event');
  });
});

describe('actor.suspend and actor.reinstate', () => {
  let key: SigningKey;

  beforeAll(async () => {
    key = await f.register('prod-s', 'producer');
  });

  test('when a regulator suspends an actor, then its status and reason show and its events are 403 actor_suspended', async () => {
    expect((await f.post(f.regulator, 'actor.suspend', { id: 'prod-s', reason: 'licence expired' })).status).toBe(201);
    expect((await request(f.app).get('/v1/actors/prod-s')).body).toMatchObject({ status: 'suspended', statusReason: 'licence expired' });
    await rejects(f, () => f.post(key, 'actor.rotateKey', { publicKey: newKey('x').publicKey }), 'actor_suspended');
  });

  test("when a suspended actor's event has a bad signature, then 403 actor_suspended comes first (cheap checks before Ed25519)", async () => {
    await rejects(f, () => f.post(newKey('prod-s'), 'actor.rotateKey', { publicKey: newKey('x').publicKey }), 'actor_suspended');
  });

  test('when the actor is suspended again, then 400 invalid_event', async () => {
    await rejects(f, () => f.post(f.regulator, 'actor.suspend', { id: 'prod-s', reason: 'again' }), 'invalid_event');
  });

  test('when a regulator reinstates it, then it is active and may post again', async () => {
    expect((await f.post(f.regulator, 'actor.reinstate', { id: 'prod-s', reason: 'licence renewed' })).status).toBe(201);
    expect((await request(f.app).get('/v1/actors/prod-s')).body).toMatchObject({ status: 'active', statusReason: 'licence renewed' });
    expect((await f.post(key, 'actor.rotateKey', { publicKey: newKey('prod-s').publicKey })).status).toBe(201);
  });

  test('when an active actor is reinstated, then 400 invalid_event', async () => {
    await rejects(f, () => f.post(f.regulator, 'actor.reinstate', { id: 'prod-s', reason: 'r' }), 'invalid_event');
  });

  test('when the actor does not exist, then 404 not_found', async () => {
    await rejects(f, () => f.post(f.regulator, 'actor.suspend', { id: 'nobody', reason: 'r' }), 'not_found');
  });

  test('when a regulator suspends itself, then 403 forbidden', async () => {
    await rejects(f, () => f.post(f.regulator, 'actor.suspend', { id: 'regulator', reason: 'r' }), 'forbidden');
  });

  test('when a non-regulator suspends an actor, then 403 forbidden', async () => {
    const other = await f.register('prod-t', 'producer');
    await rejects(f, () => f.post(other, 'actor.suspend', { id: 'prod-s', reason: 'r' }), 'forbidden');
  });

  test('when a regulator is suspended by another, then it may no longer register actors', async () => {
    const reg = await f.register('reg-3', 'regulator');
    expect((await f.post(f.regulator, 'actor.suspend', { id: 'reg-3', reason: 'r' })).status).toBe(201);
    await rejects(f, () => f.post(reg, 'actor.register', registration('x-3', 'auditor')), 'actor_suspended');
  });

  test('when the reason is empty, then 400 invalid_event', async () => {
    await rejects(f, () => f.post(f.regulator, 'actor.suspend', { id: 'prod-t', reason: '' }), 'invalid_event');
  });
});

describe('GET /v1/actors/{id}', () => {
  test('when the actor is unknown, then 404 not_found', async () => {
    await rejects(f, () => request(f.app).get('/v1/actors/nobody'), 'not_found');
  });

  test('it is public: an unsigned request is answered', async () => {
    expect((await request(f.app).get('/v1/actors/prod-1')).status).toBe(200);
  });
});

describe('the verifier', () => {
  test('when it replays this log with the domain rules, then every entry is accepted', async () => {
    const entries = Array.from({ length: f.ledger.size }, (_, i) => f.ledger.entry(i)!);
    const report = await verifyLog(entries, {
      origin: ORIGIN,
      operatorKey: f.operator.publicKey,
      hook: domainReplay(new Catalogue(DOMAINS), { maxSkewS: 600 }),
      threads: 1,
    });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ ok: true, size: f.ledger.size });
  });
});
