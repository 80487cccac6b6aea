/** Small helpers shared by the benchmarks. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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

/** Peak resident set size of this process so far, in MB. */
export const peakRssMb = (): number => round(process.resourceUsage().maxRSS / 1024);
