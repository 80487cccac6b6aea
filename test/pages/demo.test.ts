/**
 * The demo: its story, told through the real API, leaves the ledger in the
 * state the demo's URLs promise (and valid, by the service's own verifier);
 * `npm run demo`'s program starts on a fresh directory, prints those URLs, serves
 * them, and stops cleanly on SIGINT.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { DemoStory } from '../../scripts/demo/story.js';
import { DIST_ROOT } from '../../src/pages/assets.js';
import type { Fixture } from '../helpers/fixture.js';
import { tellStoryInProcess } from './demo-server.js';

let f: Fixture;
let story: DemoStory;

beforeAll(async () => {
  ({ f, story } = await tellStoryInProcess());
}, 60_000);

afterAll(() => f.close());

const json = async (path: string, signed = false) => {
  const res = await (signed ? f.get(path, f.regulator) : request(f.app).get(path));
  expect([path, res.status]).toEqual([path, 200]);
  return res.body;
};

describe('the demo story', () => {
  test('leaves a fillet lot in good standing with a yellow cold-chain excursion, and its sister fillet recalled through its source lot', async () => {
    const fillet = await json(`/v1/trace/${story.trace.fillet}`);
    expect(fillet.status).toBe('active');
    expect(fillet.temperature.excursions).toEqual([expect.objectContaining({ severity: 'yellow', subject: `${story.trace.fillet}-S1` })]);
    expect(fillet.lineage.inputs.map((n: { code: string }) => n.code)).toEqual([story.trace.source]);
    expect((await json(`/v1/trace/${story.trace.recalledFillet}`)).status).toBe('recalled');
    expect((await json(`/v1/trace/${story.trace.recalledSource}`)).status).toBe('recalled');
    const recall = await json(`/v1/regulator/recall/${story.trace.recalledSource}`, true);
    expect(recall.lots.map((l: { code: string }) => l.code)).toEqual([story.trace.recalledSource, story.trace.recalledFillet]);
  });

  test('leaves one recall under way with its deadline ahead, and one overdue: red recall-overdue on the lot still held', async () => {
    const recalls = (await json('/v1/regulator/recalls', true)).recalls;
    const byLot = new Map(recalls.map((r: { lot: string }) => [r.lot, r]));
    expect(byLot.get(story.trace.recalledSource)).toMatchObject({ level: 2, overdue: false });
    expect(byLot.get(story.trace.overdueRecall)).toMatchObject({ level: 1, overdue: true, remaining: { kg: 70 } });
    const overdue = (await json(`/v1/regulator/anomalies?rule=recall-overdue`, true)).anomalies;
    expect(overdue.map((a: { subject: string; severity: string }) => [a.subject, a.severity])).toEqual([
      [story.trace.overdueRecall, 'red'],
    ]);
  });

  test('leaves merchants of four tiers: one suspended from selling cards with custody short, one well run', async () => {
    const school = await json(`/v1/merchants/${story.merchants.school}`);
    expect(school).toMatchObject({ tier: 'group', status: 'suspendedIssuing', custodyOk: false });
    expect(school.complaintsOpen).toBeGreaterThan(0);
    expect(await json(`/v1/merchants/${story.merchants.gym}`)).toMatchObject({
      tier: 'scale',
      status: 'active',
      custodyOk: true,
      complaintsOpen: 0,
    });
    const tiers = await Promise.all(Object.values(story.merchants).map(async (id) => (await json(`/v1/merchants/${id}`)).tier));
    expect(tiers.sort()).toEqual(['brand', 'full', 'group', 'scale']);
  });

  test('leaves a closed merchant whose holders were paid out of custody and by the insurer, to the last fen', async () => {
    const claims = await json(`/v1/merchants/${story.closed}/claims`, true);
    expect(claims.totals).toEqual({ cards: 3, claim: 420_000, paid: { custody: 90_000, insurance: 330_000, refund: 0 }, outstanding: 0 });
    expect(claims.claims.every((c: { outstanding: number }) => c.outstanding === 0)).toBe(true);
    expect(await json(`/v1/merchants/${story.closed}`, true)).toMatchObject({ status: 'closed', custody: 0, outstanding: 0 });
  });

  test('leaves a published rating with its proof, a 12315 complaint answered by the merchant, and a card that changed hands', async () => {
    expect((await json(`/v1/merchants/${story.merchants.gym}/rating`)).published).toMatchObject({ stars: 5, score: 92 });
    const { complaints } = await json(`/v1/complaints?merchant=${story.merchants.salon}`, true);
    expect(complaints).toContainEqual(expect.objectContaining({ ref12315: '3301002026000233', responses: 1, overdue: true }));
    const gymCard = await json('/v1/cards/GYM-0004', true);
    expect(gymCard.entries.map((e: { event: { type: string } }) => e.event.type)).toContain('card.transfer');
  });

  test("leaves a ledger the service's verifier finds valid from genesis", async () => {
    const report = await json('/v1/regulator/verify?full=1', true);
    expect(report).toMatchObject({ ok: true, errors: [], size: f.ledger.size });
  });
});

describe('npm run demo', () => {
  const program = join(DIST_ROOT, 'scripts/demo.js');

  test('starts on a fresh data directory, prints the URLs to open, serves them, and exits 0 on SIGINT', async () => {
    expect(existsSync(program)).toBe(true); // built by `npm test` (npm run build)
    const dir = mkdtempSync(join(tmpdir(), 'anxin-demo-'));
    const data = join(dir, 'demo-data');
    const child = spawn(process.execPath, [program], {
      env: { ...process.env, PORT: '0', ANXIN_DEMO_DATA: data },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          if (out.includes('Ctrl-C stops.')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`the demo exited (${code}) before printing its URLs: ${out}`)));
      });
      const url = (label: string) => new RegExp(`${label}\\s+(http://\\S+)`).exec(out)?.[1];
      const trace = url('Trace page of a fillet lot \\(verified in your browser\\)');
      const recalled = url('Trace page of a recalled lot');
      const dashboard = url('Regulator dashboard');
      expect([trace, recalled, dashboard].every(Boolean)).toBe(true);
      expect((await fetch(trace!)).status).toBe(200);
      expect(await (await fetch(recalled!)).text()).toContain('data-status="recalled"');
      expect((await fetch(dashboard!)).status).toBe(200);
      const keyPath = /sign in with the read-only key file\s+(\S+)/.exec(out)![1];
      expect(JSON.parse(readFileSync(keyPath, 'utf8')).id).toBe('regulator-dashboard');

      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
