/**
 * `anxin epcis import` as a processor's system would run it: the compiled CLI
 * (dist/, from `npm run build`) in a child process, posting to a real server
 * on loopback over a real LevelDB ledger. The document is
 * test/fixtures/epcis/fish-chain.jsonld: a croaker lot commissioned and shipped
 * by a fishery, received with temperature logger reports and filleted by a
 * processor, plus events anxin cannot map.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { toBase64Url, type SigningKey } from '../../ledger/index.js';
import { Clock, newKey, startFixture, type Fixture } from '../helpers/fixture.js';
import { listen } from '../http/support.js';
import { anxin, requireDist, type Run } from '../ledger/support.js';

const DOC = resolve(process.cwd(), 'test/fixtures/epcis/fish-chain.jsonld');
/** Child processes are slow on a loaded machine: a generous per-test timeout (nothing here asserts a duration). */
const SLOW = 60_000;
const WHOLE = 'LYC-2026-1124';
const FILLET = 'FIL-2026-1124';

let work: string;
const keyFile = (key: SigningKey): string => {
  const file = join(work, `${key.id}-${key.publicKey.slice(0, 8)}.key`);
  writeFileSync(file, JSON.stringify({ id: key.id, publicKey: key.publicKey, secretKey: toBase64Url(key.seed) }), { mode: 0o600 });
  return file;
};

/** A server on the real clock (the CLI stamps events with it) with the fishery and the processor registered. */
const startChain = async (keys?: { fishery: SigningKey; processor: SigningKey }) => {
  const clock = new Clock(Date.now());
  clock.now = () => Date.now();
  const f = await startFixture({ clock });
  const server = await listen(f);
  const register = async (key: SigningKey | undefined, id: string, role: string) => {
    const k = key ?? newKey(id);
    const res = await f.post(f.regulator, 'actor.register', { id, role, name: `${role} ${id}`, publicKey: k.publicKey });
    expect(res.status).toBe(201);
    return k;
  };
  const fishery = await register(keys?.fishery, 'fishery-1', 'producer');
  const processor = await register(keys?.processor, 'processor-1', 'processor');
  return { f, server, fishery, processor };
};

let chain: Awaited<ReturnType<typeof startChain>>;
let parties: string;
const importDoc = (key: SigningKey, doc = DOC, extra: string[] = [], url = chain.server.url) =>
  anxin(['epcis', 'import', '--key', keyFile(key), '--url', url, '--parties', parties, ...extra, doc]);
const traceOf = async (f: Fixture, code: string) => {
  const res = await request(f.app).get(`/v1/trace/${code}`);
  expect(res.status).toBe(200);
  return res.body;
};

beforeAll(async () => {
  requireDist();
  work = mkdtempSync(join(tmpdir(), 'anxin-epcis-import-'));
  parties = join(work, 'parties.json');
  writeFileSync(
    parties,
    JSON.stringify({
      'urn:epc:id:sgln:6901234.00001.0': 'fishery-1',
      'urn:epc:id:pgln:6901234.00000': 'fishery-1',
      'urn:epc:id:sgln:6907654.00002.0': 'processor-1',
      'urn:epc:id:pgln:6907654.00000': 'processor-1',
    }),
  );
  chain = await startChain();
});
afterAll(async () => {
  await chain.server.close();
  await chain.f.close();
  rmSync(work, { recursive: true, force: true });
});

describe('anxin epcis import', () => {
  let fisheryRun: Run;
  let processorRun: Run;

  test(
    "when the fishery imports the document, then its commissioning, shipping and the logger's readings are appended, and the processor's events are left to it",
    async () => {
      fisheryRun = await importDoc(chain.fishery);
      expect(fisheryRun.code).toBe(0);
      const report = JSON.parse(fisheryRun.stdout);
      expect(report.imported.map((e: { type: string }) => e.type)).toEqual(['lot.create', 'lot.ship', 'lot.temperature']);
      expect(report.otherParties.map((o: { party: string }) => o.party)).toEqual(Array(4).fill('processor-1'));
      expect(fisheryRun.stderr).toMatch(/left to processor-1: .* \(receiving\) is its event/);
    },
    SLOW,
  );

  test(
    'when the processor imports it, then the receipt, its readings and the filleting are appended, and the lot trace view shows all of them',
    async () => {
      processorRun = await importDoc(chain.processor);
      expect(processorRun.code).toBe(0);
      const report = JSON.parse(processorRun.stdout);
      expect(report.imported.map((e: { type: string }) => e.type)).toEqual(['lot.receive', 'lot.temperature', 'lot.transform']);

      const fillet = await traceOf(chain.f, FILLET);
      expect(fillet.timeline.at(-1).event.body.outputs[0].expiresAt).toBe('2030-12-30T16:00:00.000Z');
      expect(fillet.product).toMatchObject({ gtin: '06901234567908', name: '大黄鱼柳 (croaker fillet), skin-on' });
      expect(fillet.quantity).toEqual({ amount: 90, unit: 'kg' });
      expect(fillet.lineage.inputs.map((i: { code: string }) => i.code)).toEqual([WHOLE]);
      const whole = await traceOf(chain.f, WHOLE);
      expect(whole.timeline.map((t: { event: { type: string } }) => t.event.type)).toEqual([
        'lot.create',
        'lot.ship',
        'lot.temperature',
        'lot.receive',
        'lot.temperature',
        'lot.transform',
      ]);
      expect(whole.quantity).toEqual({ amount: 500, unit: 'kg' });
      expect(whole.origins[0]).toMatchObject({ place: 'CN' });
      // 37.9 °F and 276.95 K arrive as Celsius; the humidity report is not a temperature.
      expect(whole.temperature.readings.map((r: { c: number }) => r.c)).toEqual([2.1, 2.6, 3.28, 3.4, 3.8]);
      expect(whole.temperature.readings[0].t).toBe('2026-11-23T23:20:00.000Z');
    },
    SLOW,
  );

  test(
    'when events cannot be mapped, then each is reported with its reason',
    async () => {
      const { unmapped } = JSON.parse(processorRun.stdout);
      const reasons = Object.fromEntries(unmapped.map((u: { source: string; reason: string }) => [u.source, u.reason]));
      expect(reasons['urn:uuid:5f0e2a14-8c3b-4d7e-9a61-2b4c6d8e0f13']).toMatch(/AggregationEvent has no anxin equivalent/);
      expect(reasons['urn:uuid:0b7c1e9d-2f4a-4c3b-8e5d-6a7f8b9c0d1e']).toMatch(/bizStep cycle_counting has no anxin event/);
      expect(reasons['urn:uuid:3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a']).toMatch(/no lot identifier/);
      expect(reasons['urn:uuid:8a9b0c1d-2e3f-4a5b-9c6d-7e8f9a0b1c2d']).toMatch(/missing quantity/);
      expect(unmapped).toHaveLength(4);
      expect(processorRun.stderr).toMatch(/not imported: urn:uuid:5f0e2a14-8c3b-4d7e-9a61-2b4c6d8e0f13 \(AggregationEvent packing\)/);
    },
    SLOW,
  );

  test(
    'when the same document is imported again by both, then nothing is appended and each event is reported as already there',
    async () => {
      const before = chain.f.ledger.size;
      for (const key of [chain.fishery, chain.processor]) {
        const run = await importDoc(key);
        expect(run.code).toBe(0);
        const report = JSON.parse(run.stdout);
        expect(report.imported).toEqual([]);
        expect(report.already).toHaveLength(3);
      }
      expect(chain.f.ledger.size).toBe(before);
    },
    SLOW,
  );

  test(
    'when run with --dry-run, then it prints the signed events and posts nothing',
    async () => {
      const before = chain.f.ledger.size;
      const run = await anxin(['epcis', 'import', '--key', keyFile(chain.fishery), '--dry-run', '--parties', parties, DOC]);
      expect(run.code).toBe(0);
      const { events } = JSON.parse(run.stdout);
      expect(events.map((e: { type: string; actor: string }) => [e.type, e.actor])).toEqual([
        ['lot.create', 'fishery-1'],
        ['lot.ship', 'fishery-1'],
        ['lot.temperature', 'fishery-1'],
      ]);
      expect(events[0].id).toBe(JSON.parse(fisheryRun.stdout).imported[0].id);
      expect(chain.f.ledger.size).toBe(before);
    },
    SLOW,
  );

  test(
    'when the key is not a registered actor, then it stops at the first event with the server code unknown_actor and exits 1',
    async () => {
      const before = chain.f.ledger.size;
      const run = await anxin([
        'epcis',
        'import',
        '--key',
        keyFile(newKey('ghost-1')),
        '--url',
        chain.server.url,
        '--storage',
        'chilled',
        DOC,
      ]);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout).rejected).toMatchObject({ type: 'lot.create', status: 401, code: 'unknown_actor' });
      expect(run.stderr).toMatch(/rejected: 401 unknown_actor/);
      expect(chain.f.ledger.size).toBe(before);
    },
    SLOW,
  );

  test(
    "when the key file holds another key than the actor's, then the server answers bad_signature and it exits 1",
    async () => {
      const other = { ...newKey('fishery-1') };
      const doc = join(work, 'one-lot.json');
      writeFileSync(
        doc,
        JSON.stringify({
          type: 'ObjectEvent',
          eventID: 'urn:uuid:11111111-2222-4333-8444-555555555555',
          eventTime: '2026-11-25T06:00:00.000+08:00',
          eventTimeZoneOffset: '+08:00',
          action: 'ADD',
          bizStep: 'urn:epcglobal:cbv:bizstep:commissioning',
          quantityList: [{ epcClass: 'urn:epc:class:lgtin:6901234.056789.LYC-2026-1125', quantity: 40, uom: 'KGM' }],
          ilmd: { 'cbvmda:countryOfOrigin': 'CN' },
        }),
      );
      const run = await importDoc(other, doc, ['--storage', 'frozen']);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout).rejected).toMatchObject({ status: 401, code: 'bad_signature' });
    },
    SLOW,
  );

  test(
    'when every event is unmappable, then it says nothing could be imported and exits 1',
    async () => {
      const doc = join(work, 'aggregation-only.json');
      writeFileSync(
        doc,
        JSON.stringify({ type: 'EPCISDocument', schemaVersion: '2.0', epcisBody: { eventList: [{ type: 'AssociationEvent' }] } }),
      );
      const run = await importDoc(chain.fishery, doc);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/not imported: #0 \(AssociationEvent\)/);
      expect(run.stderr).toMatch(/nothing to import/);
    },
    SLOW,
  );

  test.each([
    ['malformed JSON', '{"type": "EPCISDocument", ', /is not JSON/],
    ['JSON that is not EPCIS', '{"hello": "world"}', /not an EPCIS 2\.0 document/],
    ['a document without an event list', '{"type": "EPCISDocument", "epcisBody": {}}', /has no event list/],
    ['an array', '[]', /not an EPCIS 2\.0 document/],
  ])(
    'when the input is %s, then it explains and exits 2 without posting',
    async (_name, text, message) => {
      const before = chain.f.ledger.size;
      const doc = join(work, `bad-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(doc, text);
      const run = await importDoc(chain.fishery, doc);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(chain.f.ledger.size).toBe(before);
    },
    SLOW,
  );

  test(
    'when the service cannot be reached, then it says where it stopped and exits 1',
    async () => {
      const run = await importDoc(chain.fishery, DOC, [], 'http://127.0.0.1:1');
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/could not be posted to http:\/\/127\.0\.0\.1:1/);
      expect(run.stderr).toMatch(/stopped there: 0 imported/);
    },
    SLOW,
  );

  test(
    'when the document does not exist, then it exits 2',
    async () => {
      const run = await importDoc(chain.fishery, join(work, 'no-such.jsonld'));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/cannot read/);
    },
    SLOW,
  );

  test(
    'when the arguments are wrong, then it exits 2 with the usage',
    async () => {
      expect((await anxin(['epcis', 'import', '--key', keyFile(chain.fishery), DOC])).code).toBe(2); // no --url
      expect((await anxin(['epcis', 'import', '--key', keyFile(chain.fishery), '--dry-run', '--storage', 'warm', DOC])).code).toBe(2);
      expect((await anxin(['epcis', 'export'])).code).toBe(2);
    },
    SLOW,
  );

  test(
    "when the regulator's EPCIS export of the fillet is imported into another ledger, then it holds equivalent events",
    async () => {
      const res = await chain.f.get(`/v1/regulator/export/epcis?code=${FILLET}`, chain.f.regulator);
      expect(res.status).toBe(200);
      const exported = join(work, 'export.jsonld');
      writeFileSync(exported, typeof res.text === 'string' && res.text ? res.text : JSON.stringify(res.body));
      const second = await startChain({ fishery: chain.fishery, processor: chain.processor });
      try {
        for (const key of [second.fishery, second.processor]) {
          const run = await anxin(['epcis', 'import', '--key', keyFile(key), '--url', second.server.url, exported]);
          expect(run.code).toBe(0);
        }
        const events = async (f: Fixture) =>
          (await traceOf(f, FILLET)).timeline.map((t: { event: { type: string; actor: string; body: unknown } }) => [
            t.event.type,
            t.event.actor,
            t.event.body,
          ]);
        const original = await events(chain.f);
        expect(original.map((e: unknown[]) => e[0])).toEqual([
          'lot.create',
          'lot.ship',
          'lot.temperature',
          'lot.receive',
          'lot.temperature',
          'lot.transform',
        ]);
        expect(await events(second.f)).toEqual(original);
      } finally {
        await second.server.close();
        await second.f.close();
      }
    },
    SLOW,
  );
});
