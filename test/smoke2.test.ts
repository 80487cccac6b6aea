import { startFixture } from './helpers/fixture.js';
test('http smoke', async () => {
  const f = await startFixture();
  const bank = await f.register('bank-01', 'custodian');
  const r = await f.get('/v1/actors/bank-01');
  expect(r.status).toBe(200);
  expect(r.body.role).toBe('custodian');
  const bad = await f.post(bank, 'actor.register', { id: 'x1', role: 'merchant', name: 'x', publicKey: bank.publicKey });
  expect(bad.status).toBe(403);
  expect(bad.body.code).toBe('forbidden');
  const e = await f.get('/v1/entries/1', f.regulator);
  expect(e.status).toBe(200);
  const e2 = await f.get('/v1/entries/1');
  expect(e2.body.code).toBe('unauthenticated');
  await f.close();
});
