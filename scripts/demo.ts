/**
 * `npm run demo`: the service on a fresh demo data directory (./demo-data, or
 * ANXIN_DEMO_DATA; deleted and recreated on every run) filled with the demo
 * story (scripts/demo/story.ts) through the real HTTP API, then left running
 * with the URLs of the pages to open. PORT and ANXIN_PUBLIC_URL work as for
 * `npm start`; the root regulator is always a fresh development key pair; the
 * dashboard signs in with the read-only auditor key the story registers
 * (<data>/keys/regulator-dashboard.key). Key files of every demo actor
 * are written to <data>/keys/ for trying the CLI. Ctrl-C stops it.
 */
import type { Server } from 'node:http';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nodeSuite, readKeyFile, writeKeyFile } from '../ledger/index.js';
import { buildApp } from '../src/app.js';
import { AnxinClient } from '../src/client/client.js';
import { loadConfig } from '../src/config.js';
import { openLedger } from '../src/service.js';
import { DemoClock } from './demo/clock.js';
import { DAY } from './demo/poster.js';
import { STORY_DAYS, tellStory } from './demo/story.js';

const main = async (): Promise<void> => {
  const dir = resolve(process.env.ANXIN_DEMO_DATA ?? 'demo-data');
  rmSync(dir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, ANXIN_DATA: dir };
  delete env.ANXIN_REGULATOR_PUBKEY;
  delete env.ANXIN_OPERATOR_KEY;
  const config = loadConfig(env);
  const clock = new DemoClock(STORY_DAYS * DAY);
  const { ledger, created } = await openLedger(config, { now: clock.now, log: () => undefined });
  const app = buildApp({ ledger, config, now: clock.now });
  const server = await new Promise<Server>((ok, fail) => {
    const s = app.listen(config.port, () => ok(s));
    s.once('error', fail);
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    ledger.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const client = new AnxinClient({ baseUrl: `http://localhost:${port}`, suite: nodeSuite });
  const regulatorKey = join(dir, 'regulator.key');
  process.stdout.write(`anxin demo: telling the story into ${dir} …\n`);
  const story = await tellStory(
    { now: clock.now, advance: (ms) => clock.advance(ms), post: (events) => client.postBatch(events) },
    readKeyFile(created?.regulatorKeyPath ?? regulatorKey),
  );
  clock.finish();
  for (const [id, key] of story.keys) writeKeyFile(join(dir, 'keys', `${id.replace(/:/g, '_')}.key`), key);

  const url = config.publicUrl.startsWith(`http://localhost:`) ? `http://localhost:${port}` : config.publicUrl;
  const { trace, merchants } = story;
  process.stdout.write(
    [
      '',
      `anxin demo: ${story.events} events, ledger ${ledger.origin} of ${ledger.size} entries, listening on http://localhost:${port}`,
      '',
      'Open:',
      `  Trace page of a fillet lot (verified in your browser)   ${url}/trace/${trace.fillet}`,
      `  Trace page of a recalled lot                           ${url}/trace/${trace.recalledFillet}`,
      `  Merchant pages (a good one, a suspended one)           ${url}/m/${merchants.gym}   ${url}/m/${merchants.school}`,
      `  Regulator dashboard                                    ${url}/regulator?recall=${trace.recalledSource}`,
      `      sign in with the read-only key file                ${join(dir, 'keys', `${story.dashboard}.key`)}`,
      `  API documentation                                      ${url}/docs`,
      '',
      `Actor key files for the CLI: ${join(dir, 'keys')}/. English pages: add ?lang=en. Ctrl-C stops.`,
      '',
    ].join('\n'),
  );
};

main().catch((e) => {
  console.error(`anxin demo: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
