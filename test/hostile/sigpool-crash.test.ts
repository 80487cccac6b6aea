/**
 * A signature worker that dies is replaced and the checks it held are sent
 * again: every promise resolves with the right answer, none hangs.
 */
import { nodeSuite, randomSeed, SigPool, utf8 } from '../../ledger/index.js';

const jobs = Array.from({ length: 600 }, (_, i) => {
  const seed = randomSeed();
  const publicKey = nodeSuite.publicKey(seed);
  const message = utf8(`message ${i}`);
  const signature = nodeSuite.sign(seed, message);
  if (i % 3 === 0) signature[0] ^= 1; // every third is forged
  return { publicKey, message, signature, expected: i % 3 !== 0 };
});

const workersOf = (pool: SigPool) => (pool as unknown as { workers: Array<{ terminate(): Promise<number> }> }).workers;

describe('a killed signature worker', () => {
  test('when both workers are killed while holding checks, then they are replaced and every check is answered correctly', async () => {
    const pool = new SigPool(2);
    try {
      const answers = jobs.map((j) => pool.verify(j.publicKey, j.message, j.signature));
      await new Promise((r) => setImmediate(r)); // the checks are now with the workers
      expect(pool.outstanding).toBe(jobs.length);
      await Promise.all(workersOf(pool).map((w) => w.terminate()));
      expect(await Promise.all(answers)).toEqual(jobs.map((j) => j.expected));
      expect(pool.restarts).toBeGreaterThanOrEqual(2);
      // The replacements keep working.
      const j = jobs[1];
      expect(await pool.verify(j.publicKey, j.message, j.signature)).toBe(true);
    } finally {
      await pool.close();
    }
  });
});
