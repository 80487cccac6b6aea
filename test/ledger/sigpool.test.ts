/**
 * The signature pool packs the checks queued in one tick into one buffer per
 * worker message (keys, signatures, messages of any length, their ends): each
 * answer must be its own check's, whatever the share sizes.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { nodeSuite, randomSeed, SigPool, utf8 } from '../../ledger/index.js';
import { DIST_LEDGER, requireDist } from './support.js';

const seeds = Array.from({ length: 4 }, () => randomSeed());
const check = (i: number) => {
  const seed = seeds[i % seeds.length];
  // Messages of different lengths, some empty, so every job's slice of the packed buffer differs.
  const message = utf8('x'.repeat((i * 37) % 500));
  const signature = nodeSuite.sign(seed, message);
  const forged = i % 5 === 2;
  if (forged) signature[63] ^= 0x10;
  return { publicKey: nodeSuite.publicKey(seed), message, signature, expected: !forged };
};

describe('the signature pool', () => {
  test.each([1, 3, 15, 16, 17, 40, 300])(
    'when %i checks of mixed validity and length are queued in one tick, then each answer is its own check’s',
    async (n) => {
      const pool = new SigPool(2);
      try {
        const jobs = Array.from({ length: n }, (_, i) => check(i));
        const answers = await Promise.all(jobs.map((j) => pool.verify(j.publicKey, j.message, j.signature)));
        expect(answers).toEqual(jobs.map((j) => j.expected));
        expect(pool.outstanding).toBe(0);
      } finally {
        await pool.close();
      }
    },
  );

  test('when a check is queued with a key or signature of the wrong length, then it is false without reaching a worker', async () => {
    const pool = new SigPool(1);
    try {
      const j = check(0);
      expect(await pool.verify(j.publicKey.subarray(1), j.message, j.signature)).toBe(false);
      expect(await pool.verify(j.publicKey, j.message, j.signature.subarray(0, 63))).toBe(false);
      expect(await pool.verify(j.publicKey, j.message, j.signature)).toBe(true);
    } finally {
      await pool.close();
    }
  });
});

/** Nice values of this process's threads (Linux /proc; field 19 of each task's stat). */
const threadNices = (): number[] =>
  readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });

const onLinux = process.platform === 'linux' ? test : test.skip;

describe('the signature pool’s priority', () => {
  onLinux('when the pool is given nice 7, then its workers run at nice 7 and the calling thread keeps its own', async () => {
    const before = os.getPriority();
    const pool = new SigPool(2, { nice: 7 });
    try {
      // 40 checks in one tick travel in shares of at least 16 to both workers: both have answered.
      const jobs = Array.from({ length: 40 }, (_, i) => check(i));
      expect(await Promise.all(jobs.map((j) => pool.verify(j.publicKey, j.message, j.signature)))).toEqual(jobs.map((j) => j.expected));
      expect(threadNices().filter((n) => n === 7).length).toBeGreaterThanOrEqual(2);
      expect(os.getPriority()).toBe(before);
    } finally {
      await pool.close();
    }
  });
});

describe('the signature pool and the process', () => {
  /** Runs `body` as an ES module in a child node (the compiled ledger as `L`); its stdout, or its exit code when it fails. */
  const runChild = (body: string, flags: string[] = []) =>
    spawnSync(process.execPath, [...flags, '--input-type=module', '-e', `import * as L from ${JSON.stringify(DIST_LEDGER)};\n${body}`], {
      encoding: 'utf8',
      timeout: 20_000,
    });
  const sign = `const seed = L.randomSeed(); const m = L.utf8('m'); const [pub, sig] = [L.nodeSuite.publicKey(seed), L.nodeSuite.sign(seed, m)];`;

  beforeAll(() => requireDist());

  it('when checks are waiting and nothing else is, then the process stays until they are answered', () => {
    const out = runChild(`${sign} const pool = new L.SigPool(2);
      const answers = await Promise.all(Array.from({ length: 300 }, () => pool.verify(pub, m, sig)));
      console.log(answers.every(Boolean), await pool.verify(pub, m, sig));`);
    expect(out.status).toBe(0);
    expect(out.stdout.trim()).toBe('true true');
  });

  it('when node was started with a process-wide flag (--max-semi-space-size), then the workers still start and answer', () => {
    const out = runChild(`${sign} const pool = new L.SigPool(1); console.log(await pool.verify(pub, m, sig));`, [
      '--max-semi-space-size=32',
    ]);
    expect(out.stderr).toBe('');
    expect(out.stdout.trim()).toBe('true');
  });

  it('when an open pool has answered everything, then it does not keep the process alive', () => {
    const out = runChild(`${sign} const pool = new L.SigPool(1);
      console.log(await pool.verify(pub, m, sig));
      await new Promise((r) => setTimeout(r, 50));
      console.log(await pool.verify(pub, m, sig));`);
    expect(out.signal).toBeNull();
    expect(out.status).toBe(0);
    expect(out.stdout.trim()).toBe('true\ntrue');
  });
});
