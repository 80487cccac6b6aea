/**
 * The read-only dashboard key (SPEC §5, §11): an `auditor` — registered by a
 * regulator, for itself or for a colleague — reads everything the regulator
 * dashboard reads, and can post nothing: registrations, suspensions, recalls and
 * disposals are refused 403 `forbidden` at admission, and an entry that slipped
 * such an event into the log fails the verifier's replay.
 */
import { fromHex, makeEntry, nodeSuite, verifyLog, type Entry } from '../../ledger/index.js';
import { Catalogue } from '../../src/domain/catalogue.js';
import { domainReplay } from '../../src/domain/replay.js';
import { DOMAINS } from '../../src/plugins.js';
import { newKey, ORIGIN, signEvent, type Fixture } from '../helpers/fixture.js';
import type { SigningKey } from '../../ledger/index.js';
import { DISPOSAL_ACTIONS } from '../../schemas/cards.js';
import { lotBody, startRegWorld, type RegWorld } from './anomaly-helpers.js';

let w: RegWorld;
let f: Fixture;
let reader: SigningKey;

beforeAll(async () => {
  w = await startRegWorld();
  f = w.f;
  await w.addMerchant('m-ro', 'scale');
  reader = await f.register('reg-reader', 'auditor');
  expect((await f.post(w.farm, 'lot.create', lotBody('LOT-RO', 10))).status).toBeLessThan(300);
});

afterAll(() => f.close());

describe('an auditor key on the dashboard reads', () => {
  test.each(['/v1/regulator/anomalies', '/v1/regulator/merchants', '/v1/regulator/recalls', '/v1/checkpoint', '/v1/regulator/verify'])(
    'when it reads %s, then 200',
    async (path) => {
      const res = await f.get(path, reader);
      expect(res.status).toBe(200);
    },
  );
});

describe('an auditor key posts nothing', () => {
  const cases: Array<[string, () => unknown]> = [
    ['actor.register', () => ({ id: 'ro-new', role: 'producer', name: 'ro-new', publicKey: newKey('ro-new').publicKey })],
    ['actor.suspend', () => ({ id: 'm-ro', reason: 'test' })],
    ['actor.reinstate', () => ({ id: 'm-ro', reason: 'test' })],
    ['lot.recall', () => ({ code: 'LOT-RO', level: 1, reason: 'test' })],
    ['merchant.dispose', () => ({ merchant: 'm-ro', action: DISPOSAL_ACTIONS[0], reason: 'test' })],
    ['lot.create', () => lotBody('LOT-RO-2', 10)],
  ];
  test.each(cases)('when it posts %s, then 403 forbidden and nothing is appended', async (type, body) => {
    const size = f.ledger.size;
    const res = await f.post(reader, type, body());
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'forbidden' });
    expect(f.ledger.size).toBe(size);
  });
});

describe("the verifier's replay", () => {
  test('when an entry carrying a suspension signed by an auditor is appended to the log, then the replay rejects it', async () => {
    const entries: Entry[] = Array.from({ length: f.ledger.size }, (_, i) => f.ledger.entry(i)!);
    const hook = () => domainReplay(new Catalogue(DOMAINS), { maxSkewS: 600 });
    expect(await verifyLog(entries, { origin: ORIGIN, operatorKey: f.operator.publicKey, hook: hook(), threads: 1 })).toMatchObject({
      ok: true,
    });
    const last = entries[entries.length - 1];
    const event = signEvent(reader, 'actor.suspend', { id: 'm-ro', reason: 'forged' }, f.clock);
    const forged = makeEntry(nodeSuite, last.index + 1, f.clock.iso(), event, fromHex(last.hash)!);
    const report = await verifyLog([...entries, forged], { origin: ORIGIN, operatorKey: f.operator.publicKey, hook: hook(), threads: 1 });
    expect(report.ok).toBe(false);
    expect(JSON.stringify(report.errors)).toContain('forbidden');
  });
});
