/**
 * Trace views that cannot leave things out (SPEC §12): GET /v1/trace/{code}
 * carries, for the lot and each ancestor, its subject head and map proof at the
 * checkpoint; verifyCompleteness accepts the view as served and refuses one that
 * drops, reorders, adds or mixes in stale entries — naming the subject.
 */
import request from 'supertest';
import { fromHex, headOf, nodeSuite } from '../../ledger/index.js';
import { verifyCompleteness } from '../../src/client/completeness.js';
import { ORIGIN } from '../helpers/fixture.js';
import { accepted } from '../helpers/outcomes.js';
import { startChain, type Chain } from './helpers.js';
import { FARM_LOT, FIL_A, farmToShelf } from './journey.js';

let c: Chain;
beforeEach(async () => {
  c = await startChain();
  await farmToShelf(c);
});
afterEach(() => c.f.close());

type View = Record<string, any>;
const viewOf = async (code: string): Promise<View> => (await request(c.f.app).get(`/v1/trace/${code}`).expect(200)).body;
const check = (view: unknown) => verifyCompleteness(view, anchor(), nodeSuite);
const anchor = () => ({ origin: ORIGIN, operatorKey: c.f.operator.publicKey });
const recallOf = async () => accepted(c.f.post(c.farm, 'lot.recall', { code: FARM_LOT, level: 1, reason: 'enrofloxacin above the limit' }));
const clone = (v: View): View => JSON.parse(JSON.stringify(v));

describe('a trace view as served', () => {
  test('when a fillet made from the farm lot is viewed, then it proves the fillet and the farm lot complete at its checkpoint', async () => {
    const view = await viewOf(FIL_A);
    expect(view.completeness.size).toBe(view.checkpoint.size);
    expect(view.completeness.subjects.map((s: View) => s.subject)).toEqual([`lot:${FIL_A}`, `lot:${FARM_LOT}`]);
    expect(check(view)).toEqual({ ok: true });
  });

  test('when the farm lot is recalled, then the recall is in the fillet’s own subject chain and the view still verifies', async () => {
    await recallOf();
    const view = await viewOf(FIL_A);
    const recall = view.timeline.find((t: View) => t.event.type === 'lot.recall').index;
    const own = view.completeness.subjects.find((s: View) => s.subject === `lot:${FIL_A}`);
    expect(own.indexes).toContain(recall);
    expect(own.head.last).toBe(recall);
    expect(check(view)).toEqual({ ok: true });
  });
});

describe('a trace view an attacker changed', () => {
  test('when the recall is dropped from the timeline, then it fails naming the missing entry', async () => {
    await recallOf();
    const view = clone(await viewOf(FIL_A));
    const recall = view.timeline.find((t: View) => t.event.type === 'lot.recall').index;
    view.timeline = view.timeline.filter((t: View) => t.index !== recall);
    view.status = 'active';
    expect(check(view)).toEqual({ ok: false, reason: expect.stringContaining(`entry ${recall} is missing`) });
  });

  test('when the recall is dropped from the timeline and from every subject list, then the heads do not match', async () => {
    await recallOf();
    const view = clone(await viewOf(FIL_A));
    const recall = view.timeline.find((t: View) => t.event.type === 'lot.recall').index;
    view.timeline = view.timeline.filter((t: View) => t.index !== recall);
    for (const s of view.completeness.subjects) s.indexes = s.indexes.filter((i: number) => i !== recall);
    expect(check(view)).toEqual({ ok: false, reason: expect.stringMatching(/^lot:FIL-A: .*do not make the proven head/) });
  });

  test('when the heads are also rewritten to match the shortened lists, then the map proof fails', async () => {
    await recallOf();
    const view = clone(await viewOf(FIL_A));
    const recall = view.timeline.find((t: View) => t.event.type === 'lot.recall').index;
    view.timeline = view.timeline.filter((t: View) => t.index !== recall);
    for (const s of view.completeness.subjects) {
      s.indexes = s.indexes.filter((i: number) => i !== recall);
      s.head = headOf(
        nodeSuite,
        s.indexes.map((i: number) => ({ index: i, leaf: fromHex(view.timeline.find((t: View) => t.index === i).leaf)! })),
      );
    }
    expect(check(view)).toEqual({ ok: false, reason: expect.stringContaining('does not lead to the subject root') });
  });

  test('when two entries of a subject are listed out of order, then it fails', async () => {
    const view = clone(await viewOf(FIL_A));
    const s = view.completeness.subjects[0];
    [s.indexes[0], s.indexes[1]] = [s.indexes[1], s.indexes[0]];
    expect(check(view)).toEqual({ ok: false, reason: `lot:${FIL_A}: its entries are not in log order` });
  });

  test('when the ancestor’s subject is left out, then it fails naming it', async () => {
    const view = clone(await viewOf(FIL_A));
    view.completeness.subjects = view.completeness.subjects.filter((s: View) => s.subject !== `lot:${FARM_LOT}`);
    expect(check(view)).toEqual({ ok: false, reason: `lot:${FARM_LOT}: the view proves nothing about it` });
  });

  test('when the completeness of an older size is spliced into a newer view, then it fails', async () => {
    const old = await viewOf(FIL_A);
    await recallOf();
    const view = clone(await viewOf(FIL_A));
    view.completeness = old.completeness;
    expect(check(view)).toMatchObject({ ok: false, reason: expect.stringContaining('completeness proof is for size') });
  });

  test('when an older subject note is presented with the newer size, then the note does not verify', async () => {
    const old = await viewOf(FIL_A);
    await recallOf();
    const view = clone(await viewOf(FIL_A));
    view.completeness.note = old.completeness.note;
    expect(check(view)).toMatchObject({ ok: false, reason: expect.stringContaining('subject note') });
  });

  test('when the view is served without its completeness section, then it fails', async () => {
    const view = clone(await viewOf(FIL_A));
    delete view.completeness;
    expect(check(view)).toEqual({ ok: false, reason: 'the view carries no completeness proof' });
  });
});
