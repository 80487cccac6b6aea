/** Small helpers shared by the benchmarks. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

export const machine = () => ({
  cores: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
});

export const tempDir = (name: string): string => mkdtempSync(join(process.env.ANXIN_BENCH_TMP ?? tmpdir(), `anxin-bench-${name}-`));

export const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;

export const summarize = (samplesMs: number[]) => {
  const s = [...samplesMs].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return {
    n: s.length,
    meanMs: round(mean, 4),
    p50Ms: round(percentile(s, 50), 4),
    p99Ms: round(percentile(s, 99), 4),
    maxMs: round(s[s.length - 1], 4),
  };
};

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

export const log = (...parts: unknown[]): void => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...parts);

/** Runs a Node script and parses the last stdout line as JSON. */
export const runNode = (script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<any> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!));
      } catch (e) {
        reject(e);
      }
    });
  });

/**
 * CPU seconds (user + system, every thread) a process has used so far, from
 * /proc/PID/stat; undefined where there is no /proc. On a shared machine this,
 * divided by the work done, is steadier than any wall-clock rate.
 */
export const processCpuSeconds = (pid: number): number | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 (utime, stime) of proc(5), counted from after the command name (field 3 is fields[0]).
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
};
/** USER_HZ: 100 on every Linux the benchmarks run on. */
const CLOCK_TICKS = 100;

/** Fields of /proc/self/status in MB (their values are in kB); NaN for a missing one, undefined without /proc. */
const statusMb = (...fields: string[]): number[] | undefined => {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    return fields.map((f) => Number(new RegExp(`^${f}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) / 1024);
  } catch {
    return undefined;
  }
};

/**
 * Peak resident set size of this process so far, in MB: Linux's VmHWM, which starts afresh when
 * a process execs. Not getrusage's maxRSS where /proc is there: a spawned child inherits in it the
 * resident size its parent had when it forked (a benchmark child reported the 300 MB of the
 * process that spawned it as its own peak).
 */
export const peakRssMb = (): number => {
  const [hwm] = statusMb('VmHWM') ?? [NaN];
  return round(Number.isFinite(hwm) ? hwm : process.resourceUsage().maxRSS / 1024);
};

/**
 * This process's resident memory now, split as Linux counts it: anonymous (heaps, buffers) and
 * file-backed (LevelDB maps its table files, so pages it reads count here too, though the kernel
 * can drop them). Undefined elsewhere.
 */
export const rssSplitMb = (): { anonMb: number; fileMb: number } | undefined => {
  const [anonMb, fileMb] = statusMb('RssAnon', 'RssFile') ?? [NaN, NaN];
  return Number.isFinite(anonMb + fileMb) ? { anonMb: round(anonMb), fileMb: round(fileMb) } : undefined;
};

/**
 * CPU seconds used so far by the main thread (Linux: /proc/self/task/<pid>/stat;
 * undefined elsewhere) and by the whole process (every thread). CPU time, unlike
 * wall time, means something on a busy machine.
 */
export const cpuSeconds = (): { main?: number; total: number } => {
  const u = process.cpuUsage();
  const total = (u.user + u.system) / 1e6;
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { main: (Number(fields[11]) + Number(fields[12])) / 100, total }; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return { total };
  }
};

/** µs of CPU per item between two cpuSeconds() readings: main thread, all threads. */
export const cpuPerItem = (a: ReturnType<typeof cpuSeconds>, b: ReturnType<typeof cpuSeconds>, n: number) => ({
  mainThreadUs: a.main === undefined || b.main === undefined ? undefined : Math.round(((b.main - a.main) * 1e6) / n),
  allThreadsUs: Math.round(((b.total - a.total) * 1e6) / n),
});
