/**
 * Verification finds each kind of damage by index (SPEC §9), through the
 * service (GET /v1/regulator/verify?full=1 on the live ledger) and through the
 * compiled CLI (`anxin verify --data` on the stopped ledger), which print the
 * same report. Each case damages the 大陈岛 farm-to-shelf ledger of
 * test/trace/journey.ts one way: a changed byte, a deleted entry (in the middle
 * and at the end), an event whose signature is not its actor's, a correctly
 * signed entry that breaks a rule, and a second operator-signed checkpoint
 * whose root disagrees with the log at its size. Hash-level damage to stored
 * leaves, hashes, nodes and the head pointer is test/ledger/tamper.test.ts's.
 */
import { rmSync } from 'node:fs';
import request from 'supertest';
import { fromHex, nodeSuite, rootFromLeaves, sha256, signCheckpoint, utf8, type Entry } from '../../ledger/index.js';
import { newKey, ORIGIN, signEvent } from '../helpers/fixture.js';
import { reportOf, requireDist } from '../ledger/support.js';
import { type Chain } from '../trace/helpers.js';
import { accepted } from '../helpers/outcomes.js';
import { FIL_A, farmToShelf } from '../trace/journey.js';
import { never, ok, pluginsWith, startChainWith, verifyFixtureDir } from './helpers.js';

beforeAll(requireDist);

const entries = (c: Chain): Entry[] => Array.from({ length: c.f.ledger.size }, (_, i) => c.f.ledger.entry(i)!);
const indexOf = (c: Chain, match: (e: Entry) => boolean): number => entries(c).findIndex(match);
const shipmentEntry = (id: string) => (e: Entry) => e.event.type === 'lot.ship' && (e.event.body as { shipment: string }).shipment === id;

/** Appends an event with no admission at all, as a dishonest operator could: hashes and checkpoints stay valid. */
const forge = async (c: Chain, env: unknown): Promise<number> => (await c.f.ledger.transact((tx) => tx.append(env as never))).value;

/** An honest event after the damage, so the damaged entry is not the last. */
const carryOn = async (c: Chain): Promise<void> => {
  await accepted(c.f.post(c.market, 'lot.temperature', { code: FIL_A, readings: [{ t: c.f.clock.iso(), c: 2 }] }));
};

interface Case {
  what: string;
  /** Damages the ledger; returns the index the report must name first. */
  damage(c: Chain): Promise<number>;
  /** The code at that index (more may be reported there, e.g. node_mismatch beside entry_missing). */
  code: string;
}

const cases: Case[] = [
  {
    what: "one byte of a shipment's entry is changed in LevelDB",
    code: 'leaf_mismatch',
    async damage(c) {
      const i = indexOf(c, shipmentEntry('SH-2'));
      const text = (await c.f.tamper.getEntry(i))!;
      const changed = text.replace('"amount":70', '"amount":71');
      expect(changed).not.toBe(text);
      await c.f.tamper.putEntry(i, changed);
      return i;
    },
  },
  {
    what: 'a shipment entry in the middle is deleted from LevelDB',
    code: 'entry_missing',
    async damage(c) {
      const i = indexOf(c, shipmentEntry('SH-2'));
      await c.f.tamper.delEntry(i);
      return i;
    },
  },
  {
    what: 'the last entry is deleted from LevelDB',
    code: 'entry_missing',
    async damage(c) {
      const last = c.f.ledger.size - 1;
      await c.f.tamper.delEntry(last);
      return last;
    },
  },
  {
    what: "an inspection is appended whose signature is not the inspector's",
    code: 'bad_signature',
    async damage(c) {
      const impostor = newKey(c.inspector.id);
      const i = await forge(
        c,
        signEvent(impostor, 'lot.inspect', { code: FIL_A, result: 'pass', tests: [{ name: 'sensory', pass: true }] }, c.f.clock),
      );
      await carryOn(c);
      return i;
    },
  },
  {
    what: 'a correctly signed sale of more than the supermarket holds is appended past admission',
    code: 'quantity_exceeded',
    async damage(c) {
      const i = await forge(c, signEvent(c.market, 'lot.sell', { code: FIL_A, amount: 100 }, c.f.clock));
      await carryOn(c);
      return i;
    },
  },
  {
    what: 'a second operator-signed checkpoint is stored whose root disagrees with the log at its size',
    code: 'checkpoint_mismatch',
    async damage(c) {
      // A batch of 3 commits as one group: the sizes inside it have no checkpoint of their own.
      const batch = [0, 1, 2].map((k) =>
        signEvent(c.market, 'lot.temperature', { code: FIL_A, readings: [{ t: c.f.clock.iso(), c: 2 + k }] }, c.f.clock),
      );
      const res = await request(c.f.app).post('/v1/events/batch').send({ events: batch });
      expect(res.status).toBe(201);
      const size = c.f.ledger.size - 1;
      expect(c.f.ledger.checkpointAt(size)).toBeUndefined();
      // The operator's view of a fork: the same log but for its last entry.
      const leaves = entries(c)
        .slice(0, size)
        .map((e) => fromHex(e.leaf)!);
      leaves[size - 1] = sha256(utf8('a forked entry'));
      const forked = signCheckpoint(nodeSuite, c.f.operator.seed, {
        origin: ORIGIN,
        size,
        root: rootFromLeaves(nodeSuite, leaves),
        head: sha256(utf8('head')),
      });
      await c.f.tamper.putCheckpoint(size, JSON.stringify(forked));
      return size - 1;
    },
  },
];

describe.each(cases)('when $what', ({ damage, code }) => {
  let c: Chain;
  let index: number;
  let served: any;

  beforeAll(async () => {
    c = await startChainWith(pluginsWith({ wait: never }));
    await farmToShelf(c);
    const before = await ok(c.f.get('/v1/regulator/verify?full=1', c.f.regulator));
    expect(before).toMatchObject({ ok: true, errors: [] });
    index = await damage(c);
    served = await ok(c.f.get('/v1/regulator/verify?full=1', c.f.regulator));
    await c.f.ledger.close();
  }, 60_000);
  afterAll(() => rmSync(c.f.dir, { recursive: true, force: true }));

  test(`GET /v1/regulator/verify?full=1 reports not ok and names that index first with ${code}`, () => {
    expect(served.ok).toBe(false);
    expect(served.errors[0].index).toBe(index);
    expect(served.errors.filter((e: { index: number }) => e.index === index).map((e: { code: string }) => e.code)).toContain(code);
  });

  test('anxin verify --data prints the same report (plus its head-pointer check of data directories) and exits 1', async () => {
    const run = await verifyFixtureDir(c.f);
    expect(run.code).toBe(1);
    const printed = reportOf(run);
    const { checkpoint: _cp, full: _full, finishedAt: _at, ...same } = served;
    const headPointer = (e: { detail: string }) => e.detail.startsWith('the head pointer');
    expect({ ...printed, errors: printed.errors.filter((e) => !headPointer(e)) }).toEqual(same);
    expect(printed.errors[0]).toEqual(served.errors[0]);
    expect(run.stderr).toContain(`FAILED at index ${index}: ${printed.errors[0].code}`);
  });
});
