/**
 * The demo story (scripts/demo/story.ts) told into a real service: the shared
 * fixture's app over a real LevelDB, listening on a free port (app.listen(0)),
 * every event posted over HTTP by the client (in batches). The fixture clock starts 40 days
 * back and is left at the present, so a browser's request signatures (made
 * with its own clock) are within the service's ±300 s.
 *
 * With `witness`, the service is witnessed for real (SPEC §12): an `anxin witness`
 * that replays the rules through the service's /tlog runs beside it under that
 * key, the service submits its checkpoints to it (policy `quorum <key id>`), and
 * the story is told only once the witness has cosigned the whole log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { COSIGNATURE_TYPE, formatVkey, nodeSuite, parsePolicy, toBase64Url, type SigningKey } from '../../ledger/index.js';
import { logVkey } from '../../src/tlog/service.js';
import { WitnessSubmitter } from '../../src/tlog/witnessing.js';
import { startWitnessServer } from '../../src/witness/server.js';
import { AnxinClient } from '../../src/client/client.js';
import { DAY } from '../../scripts/demo/poster.js';
import { STORY_DAYS, tellStory, type DemoStory } from '../../scripts/demo/story.js';
import { Clock, startFixture, type Fixture } from '../helpers/fixture.js';
import { launch, type Browser } from './browser.js';

export interface DemoServer {
  f: Fixture;
  /** http://127.0.0.1:<port> */
  url: string;
  story: DemoStory;
  /** The root regulator's key file (can post: the dashboard refuses it). */
  regulatorKeyFile: string;
  /** The read-only auditor key file the story registers, as the dashboard loads it. */
  dashboardKeyFile: string;
  close(): Promise<void>;
}

export const startDemoServer = async (options: { witness?: SigningKey } = {}): Promise<DemoServer> => {
  const clock = new Clock(Date.now() - STORY_DAYS * DAY);
  // The submitter needs the ledger the fixture opens; the app reads it through this late binding.
  let submitter: WitnessSubmitter | undefined;
  const f = await startFixture({
    clock,
    app: options.witness && { witnessing: { cosigned: () => submitter?.cosigned(), view: () => submitter?.view() } },
  });
  const server = await new Promise<Server>((resolve) => {
    const s = f.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const closers: Array<() => Promise<unknown>> = [];
  if (options.witness) {
    const key = options.witness;
    const vkey = logVkey(f.ledger.origin, f.ledger.operatorKey);
    const dataDir = mkdtempSync(join(tmpdir(), 'anxin-demo-witness-'));
    const w = await startWitnessServer(
      { key, policy: parsePolicy(nodeSuite, `log ${vkey} ${url}/tlog\nquorum none\n`), dataDir, replay: true },
      '127.0.0.1',
      0,
    );
    const wkey = formatVkey(nodeSuite, key.id, COSIGNATURE_TYPE, nodeSuite.publicKey(key.seed)).vkey;
    const policy = parsePolicy(nodeSuite, `log ${vkey}\nwitness w ${wkey} ${w.url}\nquorum w\n`);
    submitter = new WitnessSubmitter(f.ledger, policy, { pollMs: 20, backoffMs: 50 }).start();
    closers.push(
      () => submitter!.stop(),
      () => new Promise((r) => (w.server.closeAllConnections(), w.server.close(r))),
      async () => rmSync(dataDir, { recursive: true, force: true }),
    );
  }
  // The public URL that QR codes hold, as `npm run demo` has it by default (it shows in screenshots).
  f.config.publicUrl = 'http://localhost:8080';
  const client = new AnxinClient({ baseUrl: url, suite: nodeSuite });
  const story = await tellStory(
    { now: clock.now, advance: (ms) => clock.advance(ms), post: (events) => client.postBatch(events) },
    f.regulator,
  );
  clock.ms = Math.max(clock.ms, Date.now());
  for (const end = Date.now() + 60_000; submitter && submitter.view()?.checkpoint.size !== f.ledger.size;) {
    if (Date.now() > end) throw new Error(`the witness has not cosigned the demo log: ${JSON.stringify(submitter.status())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const { id, publicKey, seed } = f.regulator;
  return {
    f,
    url,
    story,
    regulatorKeyFile: JSON.stringify({ id, publicKey, secretKey: toBase64Url(seed) }),
    dashboardKeyFile: JSON.stringify(story.keys.get(story.dashboard)),
    close: async () => {
      for (const close of closers) await close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await f.close();
    },
  };
};

/** The demo server and headless Chromium for a test file: started before its tests, closed after them. */
export const demoInBrowser = (options: { witness?: SigningKey } = {}): { demo: DemoServer; browser: Browser } => {
  const t = {} as { demo: DemoServer; browser: Browser };
  beforeAll(async () => {
    t.demo = await startDemoServer(options);
    t.browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await t.browser?.close();
    await t.demo?.close();
  });
  return t;
};

/** The same story told in-process (supertest on the app, no listening socket): for tests without a browser. */
export const tellStoryInProcess = async (): Promise<{ f: Fixture; story: DemoStory }> => {
  const clock = new Clock(Date.now() - STORY_DAYS * DAY);
  const f = await startFixture({ clock });
  const post = async (events: unknown[]) => {
    const res = await request(f.app).post('/v1/events/batch').send({ events });
    if (res.status !== 201) throw new Error(`the story was rejected: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const story = await tellStory({ now: clock.now, advance: (ms) => clock.advance(ms), post }, f.regulator);
  clock.ms = Math.max(clock.ms, Date.now());
  return { f, story };
};
