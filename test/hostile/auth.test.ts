/**
 * Authenticated reads: a suspended reader cannot read; a 401 never tells whether
 * a keyid exists; every authenticated read is recorded in the access log, which
 * regulators page through and which never touches the public ledger.
 */
import { newKey, startFixture, type Fixture } from '../helpers/fixture.js';
import { eventually, expectProblem, unchanged } from './support.js';

let f: Fixture;
beforeAll(async () => (f = await startFixture()));
afterAll(() => f.close());

describe('a suspended reader', () => {
  test('when an auditor is suspended, then its signed reads answer 403 actor_suspended', async () => {
    const auditor = await f.register('aud-s', 'auditor');
    expect((await f.get('/v1/entries?limit=1', auditor)).status).toBe(200);
    expect((await f.post(f.regulator, 'actor.suspend', { id: 'aud-s', reason: 'left' })).status).toBe(201);
    expectProblem(await f.get('/v1/entries?limit=1', auditor), 403, 'actor_suspended');
    expectProblem(await f.get('/v1/regulator/export/fsma?code=X', auditor), 403, 'actor_suspended');
  });

  test('when a regulator is suspended, then it can no longer read entries or the verification report', async () => {
    const reg = await f.register('reg-s', 'regulator');
    expect((await f.post(f.regulator, 'actor.suspend', { id: 'reg-s', reason: 'left' })).status).toBe(201);
    expectProblem(await f.get('/v1/entries?limit=1', reg), 403, 'actor_suspended');
    expectProblem(await f.get('/v1/regulator/verify', reg), 403, 'actor_suspended');
  });
});

describe('401 wording', () => {
  test('when the keyid is unknown or the key is wrong, then both 401s say the same thing', async () => {
    const unknown = await f.get('/v1/entries?limit=1', newKey('nobody-here'));
    const wrongKey = await f.get('/v1/entries?limit=1', newKey('regulator'));
    const unknownCard = await f.get('/v1/cards/C-NOPE', newKey('x'), 'card:C-NOPE');
    for (const res of [unknown, wrongKey, unknownCard]) expectProblem(res, 401, 'unauthenticated');
    expect(unknown.body.detail).toBe(wrongKey.body.detail);
    expect(unknownCard.body.detail).toBe(wrongKey.body.detail);
    expect(unknown.body.detail).not.toMatch('nobody-here');
  });
});

describe('the access log', () => {
  test('when an auditor reads, then regulators see who read what and when, and the ledger does not grow', async () => {
    const auditor = await f.register('aud-log', 'auditor');
    const before = f.state();
    expect((await f.get('/v1/entries?limit=2', auditor)).status).toBe(200);
    expect((await f.get('/v1/checkpoint', auditor)).status).toBe(200);
    await eventually(async () => {
      const page = await f.get('/v1/regulator/access-log?limit=10', f.regulator);
      return page.body.records?.some((r: { actor: string }) => r.actor === 'aud-log');
    });
    const page = await f.get('/v1/regulator/access-log?limit=50', f.regulator);
    expect(page.status).toBe(200);
    const mine = page.body.records.filter((r: { actor: string }) => r.actor === 'aud-log');
    expect(mine[0]).toMatchObject({
      actor: 'aud-log',
      role: 'auditor',
      method: 'GET',
      path: '/v1/entries?limit=2',
      at: f.clock.iso(),
    });
    expect(f.state()).toEqual(before);
  });

  test('when a read is answered 200, 401 and 403, then each record carries its status and latency', async () => {
    const auditor = await f.register('aud-status', 'auditor');
    expect((await f.get('/v1/entries?limit=1', auditor)).status).toBe(200);
    expectProblem(await f.get('/v1/regulator/access-log?limit=1', auditor), 403, 'forbidden');
    expectProblem(await f.get('/v1/entries?limit=3', newKey('aud-status')), 401, 'unauthenticated');
    expectProblem(await f.get('/v1/entries?limit=4', newKey('claimed-only')), 401, 'unauthenticated');
    const mine = async () => {
      const page = await f.get('/v1/regulator/access-log?limit=50', f.regulator);
      return (page.body.records as Array<Record<string, unknown>>).filter((r) => r.actor === 'aud-status' || r.actor === 'claimed-only');
    };
    await eventually(async () => (await mine()).length === 4);
    const records = (await mine()).reverse();
    expect(records.map(({ actor, role, path, status }) => ({ actor, role, path, status }))).toEqual([
      { actor: 'aud-status', role: 'auditor', path: '/v1/entries?limit=1', status: 200 },
      { actor: 'aud-status', role: 'auditor', path: '/v1/regulator/access-log?limit=1', status: 403 },
      // A signature that does not verify names only the keyid it claims, with no role.
      { actor: 'aud-status', role: undefined, path: '/v1/entries?limit=3', status: 401 },
      { actor: 'claimed-only', role: undefined, path: '/v1/entries?limit=4', status: 401 },
    ]);
    for (const r of records) expect(r.ms).toEqual(expect.any(Number));
  });

  test('when a suspended reader is refused, then the record says 403 with its verified role', async () => {
    const auditor = await f.register('aud-susp-log', 'auditor');
    expect((await f.post(f.regulator, 'actor.suspend', { id: 'aud-susp-log', reason: 'left' })).status).toBe(201);
    expectProblem(await f.get('/v1/entries?limit=5', auditor), 403, 'actor_suspended');
    const find = async () =>
      ((await f.get('/v1/regulator/access-log?limit=50', f.regulator)).body.records as Array<Record<string, unknown>>).find(
        (r) => r.actor === 'aud-susp-log',
      );
    await eventually(async () => (await find()) !== undefined);
    expect(await find()).toMatchObject({ role: 'auditor', path: '/v1/entries?limit=5', status: 403 });
  });

  test('when a page is full, then next leads to older records without repeats', async () => {
    const first = await f.get('/v1/regulator/access-log?limit=2', f.regulator);
    expect(first.body.records).toHaveLength(2);
    expect(first.body.next).toMatch(/^\/v1\/regulator\/access-log\?before=[0-9a-f]{24}&limit=2$/);
    const second = await f.get(first.body.next, f.regulator);
    expect(second.status).toBe(200);
    const ids = [...first.body.records, ...second.body.records].map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort().reverse()).toEqual(ids);
  });

  test('when an auditor or an unsigned caller asks for it, then 403 forbidden or 401; a bad cursor is 400 invalid_request', async () => {
    const auditor = await f.register('aud-no', 'auditor');
    expectProblem(await unchanged(f, () => f.get('/v1/regulator/access-log', auditor)), 403, 'forbidden');
    expectProblem(await f.get('/v1/regulator/access-log'), 401, 'unauthenticated');
    expectProblem(await f.get('/v1/regulator/access-log?before=zz', f.regulator), 400, 'invalid_request');
  });
});
