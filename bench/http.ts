/**
 * Issue 3: HTTP ingest measured from a separate load-generating process on
 * loopback, against the real server (dist/src/server.js) on a fresh data directory.
 * Besides the rate and latencies, each run reports the CPU time the server
 * (every thread: HTTP, workers, LevelDB) and the load generator spent per event:
 * on a shared machine that is the figure to compare between versions.
 *
 *   node dist/bench/http.js [EVENTS]   one short single-POST run and one batch run, printed (a quick check)
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.js';
import { log, processCpuSeconds, round, runNode, tempDir } from './util.js';

const here = fileURLToPath(new URL('.', import.meta.url));

export const measureHttp = async (runs: Array<{ mode: 'single' | 'batch'; connections: number; events: number; batch?: number }>) => {
  const results = [];
  for (const r of runs) {
    const dir = tempDir('http');
    const server = await startServer(dir, { ANXIN_ORIGIN: 'bench.anxin/ledger' });
    const cpu0 = processCpuSeconds(server.pid);
    const result = await runNode(join(here, 'loadgen.js'), [
      server.url,
      join(dir, 'regulator.key'),
      r.mode,
      String(r.connections),
      String(r.events),
      String(r.batch ?? 100),
    ]);
    const cpu1 = processCpuSeconds(server.pid);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    // Server CPU includes the tail of start-up and the load generator's connection set-up: small beside a run.
    if (cpu0 !== undefined && cpu1 !== undefined) result.serverCpuUsPerEvent = round(((cpu1 - cpu0) * 1e6) / r.events);
    log('(http)', JSON.stringify(result));
    results.push({ ...result, batch: r.mode === 'batch' ? (r.batch ?? 100) : undefined });
  }
  return results;
};

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const events = Number(process.argv[2] ?? 2000);
  console.log(
    JSON.stringify(
      await measureHttp([
        { mode: 'single', connections: 64, events },
        { mode: 'batch', connections: 8, events: events * 2, batch: 100 },
      ]),
    ),
  );
}
