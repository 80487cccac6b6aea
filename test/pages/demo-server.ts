/**
 * The demo story (scripts/demo/story.ts) told into a real service: the shared
 * fixture's app over a real LevelDB, listening on a free port (app.listen(0)),
 * every event posted over HTTP by the client (in batches). The fixture clock starts 40 days
 * back and is left at the present, so a browser's request signatures (made
 * with its own clock) are within the service's ±300 s.
 */
import type { Server } from 'node:http';
import request from 'supertest';
import { nodeSuite, toBase64Url } from '../../ledger/index.js';
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

export const startDemoServer = async (): Promise<DemoServer> => {
  const clock = new Clock(Date.now() - STORY_DAYS * DAY);
  const f = await startFixture({ clock });
  const server = await new Promise<Server>((resolve) => {
    const s = f.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  // The public URL that QR codes hold, as `npm run demo` has it by default (it shows in screenshots).
  f.config.publicUrl = 'http://localhost:8080';
  const client = new AnxinClient({ baseUrl: url, suite: nodeSuite });
  const story = await tellStory(
    { now: clock.now, advance: (ms) => clock.advance(ms), post: (events) => client.postBatch(events) },
    f.regulator,
  );
  clock.ms = Math.max(clock.ms, Date.now());
  const { id, publicKey, seed } = f.regulator;
  return {
    f,
    url,
    story,
    regulatorKeyFile: JSON.stringify({ id, publicKey, secretKey: toBase64Url(seed) }),
    dashboardKeyFile: JSON.stringify(story.keys.get(story.dashboard)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await f.close();
    },
  };
};

/** The demo server and headless Chromium for a test file: started before its tests, closed after them. */
export const demoInBrowser = (): { demo: DemoServer; browser: Browser } => {
  const t = {} as { demo: DemoServer; browser: Browser };
  beforeAll(async () => {
    t.demo = await startDemoServer();
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
