/**
 * Which checkpoint a view is proved at when the service is witnessed (SPEC §12,
 * src/domain/completeness.ts viewPointFor): the newest one at which both the
 * checkpoint and its subject note met the quorum, when it covers every entry of
 * the view; otherwise the newest signed checkpoint, so a view never leaves out
 * an entry the log holds. The witness is stood in for by the view point it
 * would hold (what WitnessSubmitter.view() returns): a real ledger's point,
 * captured at a size (the real witness round trip is in test/pages/verifier.e2e.test.ts).
 */
import request from 'supertest';
import { nodeSuite, type ViewPoint } from '../../ledger/index.js';
import { verifyCompleteness } from '../../src/client/completeness.js';
import { checkCard } from '../../src/pages/browser/verify-card.js';
import { ORIGIN, type Fixture, type FixtureOptions } from '../helpers/fixture.js';
import { accepted } from '../helpers/outcomes.js';
import { holderKey, issue, startWorld } from '../cards/helpers.js';
import { passBody, startChain, type Chain } from '../trace/helpers.js';
import { FIL_A, FIL_B, farmToShelf } from '../trace/journey.js';

type View = Record<string, any>;
/** What the stand-in witness has cosigned (undefined: nothing yet). */
let witnessed: ViewPoint | undefined;
const witnessing: FixtureOptions = { app: { witnessing: { cosigned: () => undefined, view: () => witnessed } } };
const witness = (f: Fixture) => (witnessed = f.ledger.viewPoint());
const complete = (f: Fixture, view: unknown) => verifyCompleteness(view, { origin: ORIGIN, operatorKey: f.operator.publicKey }, nodeSuite);

describe('a trace view, with witnessing', () => {
  let c: Chain;
  const viewOf = async (code: string): Promise<View> => (await request(c.f.app).get(`/v1/trace/${code}`).expect(200)).body;
  beforeEach(async () => {
    witnessed = undefined;
    c = await startChain(witnessing);
    await farmToShelf(c);
  });
  afterEach(() => c.f.close());

  test('when nothing is witnessed yet, then the view is at the newest signed checkpoint', async () => {
    const view = await viewOf(FIL_A);
    expect(view.checkpoint.size).toBe(c.f.ledger.size);
    expect(complete(c.f, view)).toEqual({ ok: true });
  });

  test('when the lot has no entry past the witnessed checkpoint, then its view is at that checkpoint', async () => {
    const at = witness(c.f).checkpoint.size;
    await accepted(c.f.post(c.inspector, 'lot.inspect', passBody(FIL_B))); // about FIL_B only
    const view = await viewOf(FIL_A);
    expect([view.checkpoint.size, view.completeness.size, c.f.ledger.size > at]).toEqual([at, at, true]);
    expect(complete(c.f, view)).toEqual({ ok: true });
  });

  test('when the lot has an entry past the witnessed checkpoint, then its view is at the newest one until that entry is witnessed', async () => {
    witness(c.f);
    await accepted(c.f.post(c.inspector, 'lot.inspect', passBody(FIL_B)));
    const inspection = c.f.ledger.size - 1;
    const early = await request(c.f.app).get(`/v1/trace/${FIL_B}`).expect(200);
    expect(early.body.checkpoint.size).toBe(c.f.ledger.size);
    expect(early.body.timeline.map((t: View) => t.index)).toContain(inspection);
    expect(complete(c.f, early.body)).toEqual({ ok: true });

    const at = witness(c.f).checkpoint.size; // the witness catches up with the inspection
    await accepted(c.f.post(c.inspector, 'lot.inspect', passBody(FIL_A))); // and the log grows on, not about FIL_B
    const late = await request(c.f.app).get(`/v1/trace/${FIL_B}`).expect(200);
    expect([late.body.checkpoint.size, at < c.f.ledger.size]).toEqual([at, true]);
    expect(late.headers.etag).not.toBe(early.headers.etag); // the witnessed body replaces a cached operator-signed one of the same size
    expect(late.body.timeline).toEqual(early.body.timeline);
    expect(complete(c.f, late.body)).toEqual({ ok: true });
  });
});

describe('a card view, with witnessing', () => {
  const holder = holderKey('C-1');
  test('when the card has a consumption past the witnessed checkpoint, then its view is at the newest checkpoint, and at the witnessed one once it covers it', async () => {
    witnessed = undefined;
    const w = await startWorld({ fixture: witnessing });
    try {
      await accepted(issue(w.f, w.merchant, 'C-1', 50_000, { holder }));
      witness(w.f);
      await accepted(w.f.post(w.merchant, 'card.consume', { card: 'C-1', amount: 3_000 }, { holder }));
      const early = (await w.f.get('/v1/cards/C-1', w.f.regulator).expect(200)).body;
      expect([early.checkpoint.size, early.entries.length]).toEqual([w.f.ledger.size, 2]);
      expect(checkCard(nodeSuite, { origin: ORIGIN, operatorKey: w.f.operator.publicKey }, early, 'C-1')).toMatchObject({
        ok: true,
        balance: 47_000,
      });
      const at = witness(w.f).checkpoint.size; // the witness catches up with the consumption
      await accepted(issue(w.f, w.merchant, 'C-2', 1_000)); // and the log grows on, with another card
      const late = (await w.f.get('/v1/cards/C-1', w.f.regulator).expect(200)).body;
      expect([late.checkpoint.size, late.completeness.size, at < w.f.ledger.size]).toEqual([at, at, true]);
      expect(complete(w.f, late)).toEqual({ ok: true });
    } finally {
      await w.f.close();
    }
  });
});
