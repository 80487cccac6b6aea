/**
 * The verifier replays the food rules (SPEC §9): it accepts the log of a real
 * chain, and names the index of an entry that broke a rule even when its hash,
 * chain link and signature are all valid.
 */
import { fromHex, makeEntry, nodeSuite, verifyLog, type Entry } from '../../ledger/index.js';
import { Catalogue } from '../../src/domain/catalogue.js';
import { domainReplay } from '../../src/domain/replay.js';
import { DOMAINS } from '../../src/plugins.js';
import { ORIGIN, signEvent } from '../helpers/fixture.js';
import { DAY, startChain, type Chain } from './helpers.js';
import { accepted } from '../helpers/outcomes.js';
import { FARM_LOT, FIL_A, farmToShelf } from './journey.js';

let c: Chain;
let log: Entry[];
beforeAll(async () => {
  c = await startChain();
  await farmToShelf(c);
  await accepted(c.f.post(c.f.regulator, 'lot.recall', { code: FARM_LOT, level: 2, reason: 'histamine' }));
  await accepted(c.f.post(c.market, 'lot.dispose', { code: FIL_A, amount: 60, reason: 'recall' }));
  log = Array.from({ length: c.f.ledger.size }, (_, i) => c.f.ledger.entry(i)!);
});
afterAll(() => c.f.close());

const verify = (entries: Entry[]) =>
  verifyLog(entries, {
    origin: ORIGIN,
    operatorKey: c.f.operator.publicKey,
    hook: domainReplay(new Catalogue(DOMAINS), { maxSkewS: 600 }),
    threads: 1,
  });

/** The log with `event` inserted at `at` (signed by its actor), every later entry re-indexed and re-chained: all hashes valid. */
const withForgery = (at: number, event: Entry['event']): Entry[] => {
  const out = log.slice(0, at);
  let prev = fromHex(out[at - 1].hash)!;
  for (const [k, e] of [{ ...log[at], event }, ...log.slice(at)].entries()) {
    const entry = makeEntry(nodeSuite, at + k, e.at, e.event, prev);
    out.push(entry);
    prev = fromHex(entry.hash)!;
  }
  return out;
};

describe('replaying the food rules', () => {
  test('when the whole chain, recall and disposal included, is replayed, then the verifier accepts it', async () => {
    const report = await verify(log);
    expect(report).toMatchObject({ ok: true, size: log.length, errors: [] });
    expect(report.head).toBe(c.f.ledger.checkpoint.head);
  });

  /** The service's state, but for the engine's subject heads (ledger:…). */
  const serviceState = async () => {
    const service: Record<string, unknown> = {};
    for await (const { key, value } of c.f.ledger.scan('')) if (!key.startsWith('ledger:')) service[key] = value;
    return service;
  };
  const replayState = async (indexes?: boolean) => {
    const hook = domainReplay(new Catalogue(DOMAINS), { maxSkewS: 600, indexes });
    expect((await verifyLog(log, { origin: ORIGIN, operatorKey: c.f.operator.publicKey, hook, threads: 1 })).ok).toBe(true);
    return hook.state.toRecord();
  };

  test('when replayed, then its state is the service’s, key for key, but for the EPCIS index and the anomaly view it skips', async () => {
    const service = await serviceState();
    const skipped = Object.keys(service).filter((k) => k.startsWith('epcis/') || k.startsWith('anomaly/'));
    expect(skipped.some((k) => k.startsWith('epcis/')) && skipped.some((k) => k.startsWith('anomaly/'))).toBe(true);
    for (const k of skipped) delete service[k];
    expect(await replayState()).toEqual(service);
  });

  test('when replayed with the indexes kept, then its state is the service’s, key for key', async () => {
    expect(await replayState(true)).toEqual(await serviceState());
  });

  test('when a validly signed sale of more than the supermarket held is spliced in, then the verifier names its index', async () => {
    const at = log.findIndex((e) => e.event.type === 'lot.sell');
    const forged = signEvent(c.market, 'lot.sell', { code: FIL_A, amount: 500 }, c.f.clock, { at: log[at].at });
    const report = await verify(withForgery(at, forged));
    expect(report.ok).toBe(false);
    expect(report.errors[0]).toMatchObject({ index: at, code: 'quantity_exceeded' });
    expect(report.errors).toHaveLength(1);
  });

  test('when a validly signed sale of a recalled fillet lot is appended, then the verifier names it lot_recalled', async () => {
    const last = log[log.length - 1];
    const forged = signEvent(c.market, 'lot.sell', { code: FIL_A, amount: 1 }, c.f.clock, { at: last.at });
    const entries = [...log, makeEntry(nodeSuite, log.length, last.at, forged, fromHex(last.hash)!)];
    const report = await verify(entries);
    expect(report.errors).toEqual([{ index: log.length, code: 'lot_recalled', detail: expect.any(String) }]);
  });

  test('when a processor’s validly signed lot.create is spliced in with an expiry before its entry time, then it is invalid_event at that index', async () => {
    const at = log.findIndex((e) => e.event.type === 'lot.transform');
    const body = {
      code: 'FORGED-1',
      product: { name: '大黄鱼', category: 'aquatic' },
      quantity: { amount: 1, unit: 'kg' },
      storage: 'chilled',
      origin: { place: '大陈岛' },
      expiresAt: new Date(Date.parse(log[at].at) - DAY).toISOString(),
    };
    const report = await verify(withForgery(at, signEvent(c.processor, 'lot.create', body, c.f.clock, { at: log[at].at })));
    expect(report.errors[0]).toMatchObject({ index: at, code: 'invalid_event' });
  });
});
