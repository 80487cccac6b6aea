/**
 * Starts the real server (dist/src/server.js) as a child process on a data
 * directory; resolves with its URL. Per-client rate limits are off (the load
 * generator is one client) unless `env` sets them; everything else is the
 * server's default configuration.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export interface RunningServer {
  url: string;
  /** The server's process id (for its CPU time: util.ts processCpuSeconds). */
  pid: number;
  stop(): Promise<void>;
}

export const startServer = (dir: string, env: NodeJS.ProcessEnv = {}): Promise<RunningServer> =>
  new Promise((resolve, reject) => {
    // ANXIN_BENCH_SERVER_ARGS: extra node flags for the server only (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
    const flags = (process.env.ANXIN_BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...flags, join(here, '../src/server.js')], {
      env: { ...process.env, PORT: '0', ANXIN_DATA: dir, ANXIN_RATE_WRITES: '0', ANXIN_RATE_EXPENSIVE: '0', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/[^\s"]+)/.exec(out);
      if (!m) return;
      // Read on (so the child never blocks on a full pipe) but keep nothing.
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve({
        url: m[1],
        pid: child.pid!,
        stop: () =>
          new Promise<void>((r) => {
            child.once('exit', () => r());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
