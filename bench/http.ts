/**
 * Issue 3: HTTP ingest measured from a separate load-generating process on
 * loopback, against the real server (dist/src/server.js) on a fresh data directory.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { log, runNode, tempDir } from './util.js';

const here = fileURLToPath(new URL('.', import.meta.url));

const startServer = (dir: string): Promise<{ url: string; stop(): Promise<void> }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, '../src/server.js')], {
      env: { ...process.env, PORT: '0', ANXIN_DATA: dir, ANXIN_ORIGIN: 'bench.anxin/ledger' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m)
        resolve({
          url: m[1],
          stop: () => new Promise((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))),
        });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });

export const measureHttp = async (runs: Array<{ mode: 'single' | 'batch'; connections: number; events: number; batch?: number }>) => {
  const results = [];
  for (const r of runs) {
    const dir = tempDir('http');
    const server = await startServer(dir);
    const result = await runNode(join(here, 'loadgen.js'), [server.url, join(dir, 'regulator.key'), r.mode, String(r.connections), String(r.events), String(r.batch ?? 100)]);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    log('(http)', result);
    results.push({ ...result, batch: r.mode === 'batch' ? (r.batch ?? 100) : undefined });
  }
  return results;
};
