/**
 * The compiled server (dist/src/server.js) as a separate process, for probes
 * that need a process of their own (thousands of connections, memory), and the
 * file-descriptor limits such probes need.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const SERVER = resolve('dist/src/server.js');

/** This process's open-file limits (Linux /proc/self/limits; undefined elsewhere). */
export const openFileLimits = (): { soft: number; hard: number } | undefined => {
  try {
    const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    const n = (s: string) => (s === 'unlimited' ? Infinity : Number(s));
    return m ? { soft: n(m[1]), hard: n(m[2]) } : undefined;
  } catch {
    return undefined;
  }
};

/** A shell prefix that raises the soft open-file limit to `want`, or to the hard limit when that is lower. */
const RAISE = (want: number) => `ulimit -n ${want} 2>/dev/null || ulimit -n "$(ulimit -Hn)";`;

/** The open-file limit a child started through `startServerProcess({ nofile: want })` gets. */
export const childOpenFiles = (want: number): number => {
  const out = spawnSync('sh', ['-c', `${RAISE(want)} ulimit -n`], { encoding: 'utf8' }).stdout.trim();
  return out === 'unlimited' ? Infinity : Number(out);
};

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** SIGTERM, then resolves once the process has exited. */
  stop(): Promise<void>;
}

/**
 * Starts the compiled server on `dir` (an empty directory: it creates a ledger and
 * the regulator key) with only `env` among the ANXIN_ variables, its open-file
 * limit raised to `nofile` when given.
 */
export const startServerProcess = (dir: string, env: Record<string, string> = {}, nofile?: number): Promise<ServerProcess> =>
  new Promise((ready, fail) => {
    const base = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('ANXIN_') && k !== 'PORT' && k !== 'NODE_ENV'),
    );
    const options = {
      env: { ...base, PORT: '0', ANXIN_DATA: dir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'],
    };
    const child = nofile
      ? spawn('sh', ['-c', `${RAISE(nofile)} exec "$0" "$@"`, process.execPath, SERVER], options)
      : spawn(process.execPath, [SERVER], options);
    let out = '';
    // A server that never says it listens is killed, so that no test leaves it behind.
    const late = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`the server did not start within 50 s:\n${out}`));
    }, 50_000);
    const onData = (c: Buffer) => {
      out += c.toString('utf8');
      const m = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (!m) return;
      clearTimeout(late);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.stdout.resume();
      child.stderr.resume();
      child.removeAllListeners('exit');
      ready({
        child,
        port: Number(m[1]),
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(late);
      fail(new Error(`the server exited (${code}):\n${out}`));
    });
  });
