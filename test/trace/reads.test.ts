/**
 * The public trace reads (SPEC §8): unknown codes, the QR code, and the cached
 * trace view — which must change exactly when the lot, an ancestor, its
 * descendants or the clock (expiry) change it, and not otherwise.
 */
import QRCode from 'qrcode';
import request from 'supertest';
import { fromHex, nodeSuite, verifyCheckpoint, verifyInclusion, fromBase64Url, type Envelope } from '../../ledger/index.js';
import { seedTraceLot } from './scenario.js';
import { createBody, HOUR, output, startChain, type Chain } from './helpers.js';
import { accepted } from '../helpers/outcomes.js';
import { FARM_LOT, FIL_A, FIL_B, farmToShelf } from './journey.js';
import { ORIGIN } from '../helpers/fixture.js';

let c: Chain;
beforeEach(async () => {
  c = await startChain();
});
afterEach(() => c.f.close());

const view = (code: string, etag?: string) => {
  const req = request(c.f.app).get(`/v1/trace/${code}`);
  return etag ? req.set('If-None-Match', etag) : req;
};

describe('GET /v1/trace/{code}', () => {
  test('when the code is unknown or not a trace code at all, then 404 lot_not_found as problem+json', async () => {
    for (const path of ['/v1/trace/NOPE-1', '/v1/trace/A%2Fentries%2F0', '/v1/trace/NOPE-1/qr.svg']) {
      const res = await request(c.f.app).get(path);
      expect({ path, status: res.status, code: res.body.code ?? JSON.parse(res.text).code, type: res.type }).toEqual({
        path,
        status: 404,
        code: 'lot_not_found',
        type: 'application/problem+json',
      });
    }
  });

  test('when asked again unchanged, then the same ETag and 304; when the lot changes, a new body and ETag', async () => {
    await farmToShelf(c);
    const first = await view(FIL_A);
    expect(first.headers.etag).toMatch(/^W\/"/);
    expect((await view(FIL_A, first.headers.etag)).status).toBe(304);
    const { index } = await accepted(c.f.post(c.market, 'lot.sell', { code: FIL_A, amount: 3 }));
    const second = await view(FIL_A, first.headers.etag);
    expect(second.status).toBe(200);
    expect(second.headers.etag).not.toBe(first.headers.etag);
    expect(second.body.timeline.at(-1).index).toBe(index);
    expect(second.body.proofs[index]).toBeDefined();
  });

  test('when the client accepts gzip, then the body is compressed and decodes to the same view as the plain one', async () => {
    await farmToShelf(c);
    const plain = await view(FIL_A).set('Accept-Encoding', 'identity');
    const zipped = await view(FIL_A).set('Accept-Encoding', 'gzip');
    expect([plain.headers['content-encoding'], zipped.headers['content-encoding']]).toEqual([undefined, 'gzip']);
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/);
    expect(zipped.body).toEqual(plain.body);
    expect(zipped.headers.etag).toBe(plain.headers.etag);
  });

  test('when an ancestor changes, then the descendant’s view shows it', async () => {
    await farmToShelf(c);
    const before = (await view(FIL_A)).body;
    const { index } = await accepted(c.f.post(c.processor, 'lot.dispose', { code: FARM_LOT, amount: 5, reason: 'damaged in handling' }));
    const after = (await view(FIL_A)).body;
    expect(after.timeline.length).toBe(before.timeline.length + 1);
    expect(after.timeline.find((t: { index: number }) => t.index === index)?.lot).toBe(FARM_LOT);
  });

  test('when a lot is made from it, then lineage.outputs lists it in the views of the lot and of its ancestors', async () => {
    await farmToShelf(c);
    await view(FIL_B);
    await view(FARM_LOT);
    await accepted(c.f.post(c.processor, 'lot.transform', { inputs: [{ code: FIL_B, amount: 10 }], outputs: [output('PACK-1', 10)] }));
    expect((await view(FIL_B)).body.lineage.outputs).toEqual(['PACK-1']);
    expect((await view(FARM_LOT)).body.lineage.outputs).toEqual([FIL_A, FIL_B, 'PACK-1']);
    expect((await view('PACK-1')).body.lineage.inputs).toEqual([{ code: FIL_B, inputs: [{ code: FARM_LOT, inputs: [] }] }]);
  });

  test('when only unrelated lots change, then the cached view is served as it was, against its older checkpoint, and still verifies', async () => {
    await farmToShelf(c);
    const first = await view(FIL_A);
    await accepted(c.f.post(c.farm, 'lot.create', createBody('OTHER-1', 10)));
    expect(c.f.ledger.checkpoint.size).toBeGreaterThan(first.body.checkpoint.size);
    const again = await view(FIL_A);
    expect(again.text).toBe(first.text);
    const { checkpoint, proofs, timeline } = again.body;
    expect(verifyCheckpoint(nodeSuite, checkpoint, ORIGIN, fromBase64Url(c.f.operator.publicKey)!)).toBeUndefined();
    for (const t of timeline)
      expect(
        verifyInclusion(
          nodeSuite,
          t.index,
          checkpoint.size,
          fromHex(t.leaf)!,
          proofs[t.index].map((h: string) => fromHex(h)!),
          fromHex(checkpoint.root)!,
        ),
      ).toBe(true);
  });

  test('when the expiry passes with no new entry, then the status turns expired and the ETag changes', async () => {
    await accepted(c.f.post(c.farm, 'lot.create', createBody('SHORT-1', 10, { expiresAt: new Date(c.f.clock.ms + HOUR).toISOString() })));
    const first = await view('SHORT-1');
    expect(first.body.status).toBe('active');
    c.f.clock.advance(HOUR);
    const second = await view('SHORT-1', first.headers.etag);
    expect({ status: second.status, lot: second.body.status }).toEqual({ status: 200, lot: 'expired' });
  });
});

describe('GET /v1/trace/{code}/qr.svg', () => {
  test('when a lot exists, then an SVG QR code of its public trace page', async () => {
    await accepted(c.f.post(c.farm, 'lot.create', createBody(FARM_LOT, 10)));
    const res = await request(c.f.app)
      .get(`/v1/trace/${FARM_LOT}/qr.svg`)
      .buffer(true)
      .parse((r, cb) => {
        let text = '';
        r.on('data', (d: Buffer) => (text += d.toString()));
        r.on('end', () => cb(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.type).toBe('image/svg+xml');
    const expected = await QRCode.toString(`http://anxin.test/trace/${FARM_LOT}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    expect(res.body).toBe(expected);
    expect(res.body).toMatch(/^<svg /);
  });
});

describe('the benchmark lot (test/trace/scenario.ts)', () => {
  test('when it is seeded, then its view has about 50 entries, a 3-level ancestry from two farms, no excursion, and every proof verifies', async () => {
    const { f } = c;
    const seeded = await seedTraceLot({ now: f.clock.now, post: async (env: Envelope) => accepted(f.postEnvelope(env)) }, f.regulator, {
      prefix: 'b1',
    });
    const v = (await view(seeded.code)).body;
    expect(v.timeline).toHaveLength(seeded.timeline);
    expect(seeded.timeline).toBeGreaterThanOrEqual(45);
    const { farmA, farmB, gutted, fillet } = seeded.lots;
    expect(v.lineage.inputs).toEqual([
      {
        code: fillet,
        inputs: [
          {
            code: gutted,
            inputs: [
              { code: farmA, inputs: [] },
              { code: farmB, inputs: [] },
            ],
          },
        ],
      },
    ]);
    expect(v.origins.map((o: { lot: string }) => o.lot)).toEqual([farmA, farmB]);
    expect(v).toMatchObject({ status: 'active', quantity: { amount: 400, unit: 'box' }, temperature: { excursions: [] } });
    for (const t of v.timeline)
      expect(
        verifyInclusion(
          nodeSuite,
          t.index,
          v.checkpoint.size,
          fromHex(t.leaf)!,
          v.proofs[t.index].map((h: string) => fromHex(h)!),
          fromHex(v.checkpoint.root)!,
        ),
      ).toBe(true);
  });
});
