/**
 * verifyTraceView — what the trace page runs in the browser — on real views of
 * the demo story (told in-process through the real app), with node:crypto and
 * with @noble, and on every way a server could lie about a view.
 */
import fc from 'fast-check';
import request from 'supertest';
import { generateKey, nodeSuite, parseKeyFile, signCheckpoint, fromHex, type Checkpoint } from '../../ledger/index.js';
import { policyFor as policyWith, cosignView, W1 } from '../helpers/witness.js';
import { newKey } from '../helpers/fixture.js';
import { nobleSuite } from '../../ledger/suite-noble.js';
import { DAY } from '../../scripts/demo/poster.js';
import type { DemoStory } from '../../scripts/demo/story.js';
import { verifyTraceView, type Anchor } from '../../src/pages/browser/verify-trace.js';
import type { Fixture } from '../helpers/fixture.js';
import { tellStoryInProcess } from './demo-server.js';

let f: Fixture;
let story: DemoStory;
let anchor: Anchor;
let served: any;

beforeAll(async () => {
  ({ f, story } = await tellStoryInProcess());
  anchor = (await request(f.app).get('/v1/ledger')).body;
  served = (await request(f.app).get(`/v1/trace/${story.trace.fillet}`)).body;
}, 60_000);

afterAll(() => f.close());

/** A fresh copy of the served view, and what a page showing all of it would show. */
const view = () => structuredClone(served);
const shownAll = (v: any) => v.timeline.map((t: any) => ({ index: t.index, leaf: t.leaf }));
const check = (v: unknown, shown = shownAll(served), code = story.trace.fillet) => verifyTraceView(nodeSuite, v, anchor, { code, shown });
const flip = (hex: string) => hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0');

describe('verifyTraceView', () => {
  test('accepts the view as served, with node:crypto and with @noble alike', () => {
    const node = check(view());
    expect(node).toMatchObject({ ok: true, verified: served.timeline.map((t: any) => t.index), problems: [] });
    expect(verifyTraceView(nobleSuite, view(), anchor, { code: story.trace.fillet, shown: shownAll(served) })).toEqual(node);
  });

  test('when one hash of one proof is changed, fails naming that entry', () => {
    const v = view();
    const i = v.timeline[3].index;
    v.proofs[i][1] = flip(v.proofs[i][1]);
    const r = check(v);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.code, p.index])).toEqual([
      ['proof', i],
      ['shown', i],
      ['completeness', undefined],
    ]);
  });

  test('when what an event says is changed but its leaf kept, fails as a leaf mismatch', () => {
    const v = view();
    v.timeline[1].event.body.result = 'fail';
    expect(check(v).problems.map((p) => p.code)).toEqual(['leaf', 'shown', 'completeness']);
  });

  test("when an entry's time is changed, fails", () => {
    const v = view();
    v.timeline[0].at = new Date(Date.parse(v.timeline[0].at) - DAY).toISOString();
    expect(check(v).problems[0].code).toBe('leaf');
  });

  test('when a proof is missing or not made of hashes, fails as missing', () => {
    const v = view();
    delete v.proofs[v.timeline[0].index];
    v.proofs[v.timeline[1].index] = ['zz'];
    expect(
      check(v)
        .problems.filter((p) => p.code === 'missing')
        .map((p) => p.index),
    ).toEqual([v.timeline[0].index, v.timeline[1].index]);
  });

  test('when the checkpoint is signed by another key, fails on the checkpoint', () => {
    const v = view();
    const other = parseKeyFile(nodeSuite, JSON.stringify(generateKey('operator')));
    v.checkpoint = signCheckpoint(nodeSuite, other.seed, {
      origin: anchor.origin,
      size: v.checkpoint.size,
      root: fromHex(v.checkpoint.root)!,
      head: fromHex(v.checkpoint.head)!,
    }) satisfies Checkpoint;
    expect(check(v)).toMatchObject({ ok: false, problems: [{ code: 'checkpoint' }] });
  });

  test('when the page pins another origin, fails on the checkpoint', () => {
    const r = verifyTraceView(nodeSuite, view(), { ...anchor, origin: 'evil.example/ledger' }, { code: story.trace.fillet, shown: [] });
    expect(r.problems.map((p) => p.code)).toEqual(['checkpoint']);
  });

  test('when the checkpoint root is changed, fails on the checkpoint (the note no longer matches)', () => {
    const v = view();
    v.checkpoint.root = flip(v.checkpoint.root);
    expect(check(v).problems.map((p) => p.code)).toEqual(['checkpoint']);
  });

  test('when an entry the page shows is left out of the view, fails naming it', () => {
    const v = view();
    const dropped = v.timeline.splice(4, 1)[0].index;
    expect(check(v).problems).toEqual([
      expect.objectContaining({ code: 'shown', index: dropped }),
      { code: 'completeness', detail: expect.stringContaining(`entry ${dropped} is missing from the view`) },
    ]);
  });

  test('when the view holds entries the page does not show (a newer view), verifies', () => {
    expect(check(view(), shownAll(served).slice(0, 3)).ok).toBe(true);
  });

  test('when the timeline is empty, or out of order, or for another code, fails', () => {
    const empty = view();
    empty.timeline = [];
    expect(check(empty, []).problems.map((p) => p.code)).toEqual(['empty', 'completeness']);
    const swapped = view();
    [swapped.timeline[0], swapped.timeline[1]] = [swapped.timeline[1], swapped.timeline[0]];
    expect(check(swapped).problems.map((p) => p.code)).toContain('order');
    expect(check(view(), shownAll(served), story.trace.recalledFillet).problems.map((p) => p.code)).toEqual(['code']);
  });

  test('never throws on any JSON value, and never accepts one', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(check(v).ok).toBe(false);
      }),
    );
    const partial = view();
    partial.checkpoint = null;
    expect(check(partial).problems.map((p) => p.code)).toEqual(['malformed']);
  });
});

describe('verifyTraceView: the named checks', () => {
  const state = (r: ReturnType<typeof check>) => Object.fromEntries(r.checks.map((c) => [c.name, c.state]));
  const policyFor = (quorum: string) => policyWith(anchor, quorum);
  const cosign = cosignView;
  const witness = W1;

  test('when the served view verifies without a pinned policy, then signature, inclusion, completeness and rules pass and the quorum is not claimed', () => {
    const r = check(view());
    expect(state(r)).toEqual({
      signature: 'ok',
      quorum: 'unavailable',
      freshness: 'ok',
      inclusion: 'ok',
      completeness: 'ok',
      rules: 'ok',
    });
    expect(r.derived?.status).toBe(served.status);
  });

  test('when the lot is recalled, then the status replayed from the verified entries is recalled, as the server says', async () => {
    const recalled = (await request(f.app).get(`/v1/trace/${story.trace.recalledFillet}`)).body;
    const r = verifyTraceView(nodeSuite, recalled, anchor, { code: story.trace.recalledFillet, shown: shownAll(recalled) });
    expect([r.ok, recalled.status, r.derived?.status]).toEqual([true, 'recalled', 'recalled']);
    expect(r.derived?.recall?.level).toBe(recalled.timeline.find((e: any) => e.event.type === 'lot.recall').event.body.level);
  });

  test('when the view or the page states another status than the verified entries, then the rules check fails naming both', async () => {
    const recalled = (await request(f.app).get(`/v1/trace/${story.trace.recalledFillet}`)).body;
    const lied = { ...structuredClone(recalled), status: 'active' };
    const r = verifyTraceView(nodeSuite, lied, anchor, { code: story.trace.recalledFillet, shown: [], status: 'active' });
    expect(state(r).rules).toBe('failed');
    expect(r.problems.filter((p) => p.code === 'status')).toHaveLength(2);
    expect(r.derived?.status).toBe('recalled');
  });

  test('when the checkpoint is older than one this browser accepted, then freshness fails', () => {
    const r = verifyTraceView(nodeSuite, view(), anchor, { code: story.trace.fillet, shown: [], seenSize: served.checkpoint.size + 1 });
    expect([r.ok, state(r).freshness]).toEqual([false, 'failed']);
  });

  test('when a witness quorum is pinned, then an operator-only checkpoint fails the quorum and a cosigned one passes with its time', () => {
    const pinned = { ...anchor, policy: policyFor('w1') };
    const bare = verifyTraceView(nodeSuite, view(), pinned, { code: story.trace.fillet, shown: [] });
    expect([bare.ok, state(bare).quorum]).toEqual([false, 'failed']);
    const signed = verifyTraceView(nodeSuite, cosign(view(), 1_800_000_000), pinned, { code: story.trace.fillet, shown: [] });
    expect([signed.ok, state(signed).quorum, signed.checkpoint?.witnessed]).toEqual([true, 'ok', { w1: 1_800_000_000 }]);
    const forged = verifyTraceView(nodeSuite, cosign(view(), 1_800_000_000, newKey('other').seed), pinned, {
      code: story.trace.fillet,
      shown: [],
    });
    expect(state(forged).quorum).toBe('failed');
  });

  test('when the checkpoint is cosigned but its subject note is not, or by another key, then the quorum fails naming the subject note', () => {
    const pinned = { ...anchor, policy: policyFor('w1') };
    for (const subjectSeed of [null, newKey('other').seed]) {
      const r = verifyTraceView(nodeSuite, cosign(view(), 1_800_000_000, witness.seed, subjectSeed), pinned, {
        code: story.trace.fillet,
        shown: [],
      });
      expect([r.ok, state(r).quorum, state(r).completeness]).toEqual([false, 'failed', 'ok']);
      expect(r.checks.find((c) => c.name === 'quorum')?.detail).toMatch(/subject note/);
    }
  });

  test('when the pinned policy requires no witness, then the quorum is not claimed', () => {
    const r = verifyTraceView(nodeSuite, view(), { ...anchor, policy: policyFor('none') }, { code: story.trace.fillet, shown: [] });
    expect([r.ok, state(r).quorum]).toEqual([true, 'unavailable']);
  });

  test('when a completeness checker is plugged in and says an entry is missing, then completeness fails with its reason', () => {
    const r = verifyTraceView(nodeSuite, view(), anchor, { code: story.trace.fillet, shown: [], completeness: () => 'entry 7 is missing' });
    expect(r.checks.find((c) => c.name === 'completeness')).toEqual({
      name: 'completeness',
      state: 'failed',
      detail: 'entry 7 is missing',
    });
    expect(
      state(verifyTraceView(nodeSuite, view(), anchor, { code: story.trace.fillet, shown: [], completeness: () => undefined }))
        .completeness,
    ).toBe('ok');
  });
});
