/** (a) The machine's own Ed25519 limit: node:crypto verifications per second on one core and on all cores. */
import { nodeSuite, randomSeed, SigPool } from '../ledger/index.js';
import { log, round } from './util.js';

const sample = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const seed = randomSeed();
    const message = new TextEncoder().encode(`anxin/event/v1\n{"bench":${i},"pad":"${'x'.repeat(200)}"}`);
    return { publicKey: nodeSuite.publicKey(seed), message, signature: nodeSuite.sign(seed, message) };
  });

export const measureLimits = async (seconds = 3) => {
  const jobs = sample(2000);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    const j = jobs[n++ % jobs.length];
    if (!nodeSuite.verify(j.publicKey, j.message, j.signature)) throw new Error('a benchmark signature did not verify');
  }
  const singleCore = n / ((performance.now() - t0) / 1000);

  const pool = new SigPool();
  const total = Math.round(singleCore * seconds * 2);
  const t1 = performance.now();
  const pending: Array<Promise<boolean>> = [];
  for (let i = 0; i < total; i++) {
    const j = jobs[i % jobs.length];
    pending.push(pool.verify(j.publicKey, j.message, j.signature));
    if (pool.outstanding > 8192) await pool.below(2048);
  }
  const ok = await Promise.all(pending);
  const allCores = total / ((performance.now() - t1) / 1000);
  await pool.close();
  if (ok.some((v) => !v)) throw new Error('a benchmark signature did not verify on the pool');
  const result = { singleCorePerSec: round(singleCore), allCoresPerSec: round(allCores) };
  log('(a) ed25519 verify', result);
  return result;
};
