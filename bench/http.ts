/**
 * Issue 3: HTTP ingest measured from a separate load-generating process on
 * loopback, against the real server (dist/src/server.js) on a fresh data directory.
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.js';
import { log, runNode, tempDir } from './util.js';

const here = fileURLToPath(new URL('.', import.meta.url));

export const measureHttp = async (runs: Array<{ mode: 'single' | 'batch'; connections: number; events: number; batch?: number }>) => {
  const results = [];
  for (const r of runs) {
    const dir = tempDir('http');
    const server = await startServer(dir, { ANXIN_ORIGIN: 'bench.anxin/ledger' });
    const result = await runNode(join(here, 'loadgen.js'), [
      server.url,
      join(dir, 'regulator.key'),
      r.mode,
      String(r.connections),
      String(r.events),
      String(r.batch ?? 100),
    ]);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    log('(http)', result);
    results.push({ ...result, batch: r.mode === 'batch' ? (r.batch ?? 100) : undefined });
  }
  return results;
};
