/**
 * GET /v1/regulator/anomalies (SPEC §8, §10): regulators only; open anomalies
 * newest first, filtered by rule, subject, severity and since, in pages linked
 * by `next`; a bad query is 400 invalid_request. The anomalies come from event
 * rules and from a timed rule evaluated at the query's clock, to show both
 * merge in one order.
 */
import { Catalogue } from '../../src/domain/catalogue.js';
import { domainReplay } from '../../src/domain/replay.js';
import { DOMAINS } from '../../src/plugins.js';
import { verifyLog, type Entry } from '../../ledger/index.js';
import { ORIGIN, type Fixture } from '../helpers/fixture.js';
import { accepted } from '../helpers/outcomes.js';
import { HOUR, iso, listAnomalies, lotBody, MIN, startRegWorld, type RegWorld } from './anomaly-helpers.js';
import type { Anomaly } from '../../src/regulator/anomalies/index.js';
import { issueBody } from '../cards/helpers.js';

let w: RegWorld;
let f: Fixture;
/** The expected listing, newest first. */
let all: Array<Pick<Anomaly, 'rule' | 'subject' | 'severity' | 'since'>>;

beforeAll(async () => {
  w = await startRegWorld();
  f = w.f;
  const m1 = await w.addMerchant('m-1', 'scale');
  const m2 = await w.addMerchant('m-2', 'scale');
  const a = await accepted(f.post(m1, 'card.issue', issueBody('C-1', 100_000))); // custody-short red
  f.clock.advance(MIN);
  await accepted(f.post(w.farm, 'lot.create', lotBody('L-1', 100)));
  const ship = await accepted(
    f.post(w.farm, 'lot.ship', { shipment: 'S-1', code: 'L-1', amount: 50, to: w.processor.id, carrier: w.carrier.id }),
  );
  f.clock.advance(MIN);
  const b = await accepted(f.post(m2, 'card.issue', issueBody('C-2', 100_000)));
  await accepted(f.post(w.bank, 'custody.deposit', { merchant: 'm-2', amount: 19_000, ref: 'TX-1' })); // custody-short yellow
  f.clock.advance(MIN);
  await accepted(f.post(w.farm, 'lot.ship', { shipment: 'S-2', code: 'L-1', amount: 50, to: w.processor.id, carrier: w.carrier.id }));
  const c = await accepted(f.post(w.processor, 'lot.receive', { shipment: 'S-2', amount: 48 })); // short-receipt yellow
  f.clock.advance(MIN);
  const d = await accepted(
    f.post(
      w.farm,
      'lot.create',
      lotBody('W-1', 10, { origin: { place: '东海', zone: 'east-china-sea', method: 'wild' }, harvestedAt: '2026-06-01T00:00:00.000Z' }),
    ),
  ); // closed-season red
  f.clock.advance(72 * HOUR); // S-1 becomes stale at the query's clock, after the last entry
  all = [
    { rule: 'in-transit-stale', subject: 'S-1', severity: 'yellow', since: iso(Date.parse(ship.at) + 72 * HOUR) },
    { rule: 'closed-season', subject: 'W-1', severity: 'red', since: d.at },
    { rule: 'short-receipt', subject: 'S-2', severity: 'yellow', since: c.at },
    { rule: 'custody-short', subject: 'm-2', severity: 'yellow', since: b.at },
    { rule: 'custody-short', subject: 'm-1', severity: 'red', since: a.at },
  ];
});
afterAll(() => f.close());

const brief = (xs: Anomaly[]) => xs.map(({ rule, subject, severity, since }) => ({ rule, subject, severity, since }));

describe('listing', () => {
  test('when a regulator asks with no filter, then every open anomaly, newest first, and next is null', async () => {
    const page = await listAnomalies(f);
    expect(brief(page.anomalies)).toEqual(all);
    expect(page.next).toBeNull();
  });

  test.each([
    ['?rule=custody-short', (a: (typeof all)[0]) => a.rule === 'custody-short'],
    ['?severity=red', (a: (typeof all)[0]) => a.severity === 'red'],
    ['?rule=custody-short&severity=yellow', (a: (typeof all)[0]) => a.rule === 'custody-short' && a.severity === 'yellow'],
    ['?subject=S-1', (a: (typeof all)[0]) => a.subject === 'S-1'],
    ['?subject=m-1&severity=yellow', () => false],
    ['?rule=in-transit-stale&severity=yellow', (a: (typeof all)[0]) => a.rule === 'in-transit-stale'],
  ])('when filtered by %s, then exactly the matching anomalies, in order', async (query, keep) => {
    expect(brief((await listAnomalies(f, query)).anomalies)).toEqual(all.filter(keep));
  });

  test('when since is given, then only anomalies that opened at or after it', async () => {
    const cut = all[2].since;
    expect(brief((await listAnomalies(f, `?since=${cut}`)).anomalies)).toEqual(all.slice(0, 3));
  });

  test('when paged 2 at a time, then next links walk the whole listing once, keeping the filters, and the last next is null', async () => {
    const seen: Anomaly[] = [];
    let path: string | null = '/v1/regulator/anomalies?limit=2';
    const pages: number[] = [];
    while (path) {
      const res = await f.get(path, f.regulator);
      expect(res.status).toBe(200);
      seen.push(...res.body.anomalies);
      pages.push(res.body.anomalies.length);
      path = res.body.next;
    }
    expect(pages).toEqual([2, 2, 1]);
    expect(brief(seen)).toEqual(all);
    const first = await listAnomalies(f, '?severity=yellow&limit=1');
    expect(first.next).toMatch(/^\/v1\/regulator\/anomalies\?severity=yellow&limit=1&cursor=/);
    const second = await listAnomalies(f, first.next!.slice('/v1/regulator/anomalies'.length));
    expect(brief([...first.anomalies, ...second.anomalies])).toEqual(all.filter((a) => a.severity === 'yellow').slice(0, 2));
  });
});

describe('who may read it, and bad queries', () => {
  test('when the request is unsigned, then 401 unauthenticated; signed by a merchant, 403 forbidden; by an auditor (the read-only dashboard key), 200', async () => {
    const auditor = await f.register('audit-01', 'auditor');
    const unsigned = await f.get('/v1/regulator/anomalies');
    expect({ status: unsigned.status, code: unsigned.body.code }).toEqual({ status: 401, code: 'unauthenticated' });
    const byMerchant = await f.get('/v1/regulator/anomalies', await w.addMerchant('m-3', 'other'));
    expect({ status: byMerchant.status, code: byMerchant.body.code }).toEqual({ status: 403, code: 'forbidden' });
    const byAuditor = await f.get('/v1/regulator/anomalies', auditor);
    expect(byAuditor.status).toBe(200);
  });

  test.each([
    '?rule=custody-long',
    '?severity=green',
    '?limit=0',
    '?limit=1001',
    '?limit=ten',
    '?since=2026-11-22',
    '?subject=a/b',
    '?cursor=bm90LWEtY3Vyc29y',
    '?cursor=***',
    '?rule=yield&rule=yield',
    '?sort=asc',
  ])('when the query is %s, then 400 invalid_request', async (query) => {
    const res = await f.get(`/v1/regulator/anomalies${query}`, f.regulator);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'invalid_request' });
  });
});

describe('replay', () => {
  test('when the log is replayed with the views kept, then it is accepted and every anomaly record it rebuilds equals the service state', async () => {
    const entries: Entry[] = Array.from({ length: f.ledger.size }, (_, i) => f.ledger.entry(i)!);
    const hook = domainReplay(new Catalogue(DOMAINS), { maxSkewS: 600, indexes: true });
    const report = await verifyLog(entries, { origin: ORIGIN, operatorKey: f.operator.publicKey, hook, threads: 1 });
    expect(report).toMatchObject({ ok: true, errors: [] });
    let n = 0;
    for await (const { key, value } of f.ledger.scan('anomaly/')) {
      expect([key, hook.state.get(key)]).toEqual([key, value]);
      n++;
    }
    expect(n).toBeGreaterThan(20);
  });
});
