/**
 * Starts the real server (dist/src/server.js) as a child process on a data
 * directory; resolves with its URL. Per-client rate limits are off (the load
 * generator is one client) unless `env` sets them; everything else is the
 * server's default configuration. `nofile` raises the child's open-file limit
 * (soft, up to the hard limit) for probes with thousands of connections.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export interface RunningServer {
  url: string;
  /** The server's process id (for its RSS in /proc and its CPU time: util.ts processCpuSeconds). */
  pid: number;
  stop(): Promise<void>;
}

/** A shell prefix raising the soft open-file limit to `n`, or to the hard limit when that is lower. */
export const raiseOpenFiles = (n: number): string => `ulimit -n ${n} 2>/dev/null || ulimit -n "$(ulimit -Hn)";`;

export const startServer = (dir: string, env: NodeJS.ProcessEnv = {}, nofile?: number): Promise<RunningServer> =>
  new Promise((resolve, reject) => {
    // ANXIN_BENCH_SERVER_ARGS: extra node flags for the server only (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
    const flags = (process.env.ANXIN_BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
    const argv = [...flags, join(here, '../src/server.js')];
    const options = {
      env: { ...process.env, PORT: '0', ANXIN_DATA: dir, ANXIN_RATE_WRITES: '0', ANXIN_RATE_EXPENSIVE: '0', ...env },
      stdio: ['ignore', 'pipe', 'inherit'] as ['ignore', 'pipe', 'inherit'],
    };
    // Through sh only to raise the limit; `exec` keeps the pid the server's.
    const child = nofile
      ? spawn('sh', ['-c', `${raiseOpenFiles(nofile)} exec "$0" "$@"`, process.execPath, ...argv], options)
      : spawn(process.execPath, argv, options);
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
