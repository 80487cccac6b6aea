/**
 * No cached misses for request-supplied keys: looking up ids that do not exist —
 * in a path or as a signature's keyid — leaves the ledger's state cache as it was.
 */
import request from 'supertest';
import { newKey, startFixture, type Fixture } from '../helpers/fixture.js';
import { expectProblem } from './support.js';

const cacheSize = (f: Fixture): number => {
  const c = (f.ledger as unknown as { cache: { young: Map<string, unknown>; old: Map<string, unknown> } }).cache;
  return c.young.size + c.old.size;
};

describe('lookups of ids that do not exist', () => {
  let f: Fixture;
  beforeAll(async () => (f = await startFixture()));
  afterAll(() => f.close());

  test('when 100 unknown actor ids of 1 KB are looked up, then each is 404 not_found and the cache holds none of them', async () => {
    await request(f.app).get('/v1/actors/regulator');
    const before = cacheSize(f);
    for (let i = 0; i < 100; i++) expectProblem(await request(f.app).get(`/v1/actors/${'a'.repeat(1000)}${i}`), 404, 'not_found');
    expect(cacheSize(f)).toBe(before);
  });

  test('when 100 reads are signed with unknown keyids, then each is 401 and the cache holds none of them', async () => {
    const key = newKey('k');
    const before = cacheSize(f);
    for (let i = 0; i < 100; i++)
      expectProblem(await f.get('/v1/entries?limit=1', key, `nobody-${'b'.repeat(50)}-${i}`), 401, 'unauthenticated');
    expect(cacheSize(f)).toBe(before);
  });
});
