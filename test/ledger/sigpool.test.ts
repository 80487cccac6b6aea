/**
 * The signature pool packs the checks queued in one tick into one buffer per
 * worker message (keys, signatures, messages of any length, their ends): each
 * answer must be its own check's, whatever the share sizes.
 */
import { nodeSuite, randomSeed, SigPool, utf8 } from '../../ledger/index.js';

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
