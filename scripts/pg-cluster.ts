/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` into a
 * temporary directory, listening on a unix socket in that directory only (no
 * TCP port), started with `pg_ctl`, stopped and removed by `stop()` — never the
 * machine's own server. The binaries come from Debian's `postgresql` package
 * (/usr/lib/postgresql/<version>/bin) or from PATH. initdb and postgres refuse to
 * run as root: as root they run as the `postgres` OS user, which owns the
 * temporary directory.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The directory holding initdb and pg_ctl, or undefined when PostgreSQL is not installed. */
export const findPgBin = (): string | undefined => {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return join(root, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const found = which.status === 0 ? which.stdout.trim() : '';
  return found ? join(found, '..') : undefined;
};

export interface Cluster {
  /** The unix-socket directory. */
  socketDir: string;
  /** A URL for database `name` on this cluster. */
  url(name?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (immediate mode) and removes the directory. Idempotent. */
  stop(): void;
  /** Stops the server, keeping its files (to test a lost database). */
  pause(): void;
  /** Starts it again after pause(). */
  resume(): void;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL binary, as the postgres user when we are root. */
const runPg = (bin: string, args: string[]): void => {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
};

export interface ClusterOptions {
  /** Extra postgresql.conf lines. */
  settings?: Record<string, string | number>;
}

/** Starts a throwaway cluster; throws when PostgreSQL is not installed. */
export const startCluster = (options: ClusterOptions = {}): Cluster => {
  const bin = findPgBin();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const dir = mkdtempSync(join(tmpdir(), 'anxin-pg-'));
  const data = join(dir, 'data');
  chmodSync(dir, 0o700);
  if (isRoot()) execFileSync('chown', ['postgres:', dir]);
  const user = 'anxin';
  runPg(join(bin, 'initdb'), ['-D', data, '-U', user, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const settings: Record<string, string | number> = {
    listen_addresses: "''",
    unix_socket_directories: `'${dir}'`,
    port: 5432,
    max_connections: 300,
    shared_buffers: '128MB',
    ...options.settings,
  };
  const conf = Object.entries(settings)
    .map(([k, v]) => `${k} = ${v}`)
    .join('\n');
  writeFileSync(join(data, 'postgresql.conf'), `\n# anxin throwaway cluster\n${conf}\n`, { flag: 'a' });
  const pgCtl = join(bin, 'pg_ctl');
  const start = () => runPg(pgCtl, ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  const halt = () => spawnSync(...runArgs(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']), { stdio: 'ignore' });
  start();
  let stopped = false;
  const onExit = () => cluster.stop();
  process.on('exit', onExit);
  const url = (name = 'postgres') => `postgresql://${user}@/${name}?host=${encodeURIComponent(dir)}`;
  const cluster: Cluster = {
    socketDir: dir,
    url,
    async createDatabase(name) {
      const { default: pg } = await import('pg');
      const c = new pg.Client({ connectionString: url('postgres') });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', onExit);
      halt();
      rmSync(dir, { recursive: true, force: true });
    },
    pause() {
      halt();
    },
    resume() {
      start();
    },
  };
  return cluster;
};

const runArgs = (bin: string, args: string[]): [string, string[]] =>
  isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
