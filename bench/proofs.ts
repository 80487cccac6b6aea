/** (d) Inclusion and consistency proofs on the big ledger: generation (LevelDB reads) and verification times, at random leaves and sizes. */
import { fromHex, nodeSuite, verifyConsistency, verifyInclusion, type Ledger } from '../ledger/index.js';
import { log, summarize } from './util.js';

export const measureProofs = async (ledger: Ledger, samples = 1000) => {
  const size = ledger.size;
  const root = await ledger.rootAt(size);
  // Warm-up, not measured: compiles the proof code paths as a running server has.
  for (let i = 0; i < 200; i++) {
    await ledger.proveInclusion(Math.floor(Math.random() * size), size);
    await ledger.proveConsistency(1 + Math.floor(Math.random() * (size - 1)), size);
  }
  const gen: number[] = [];
  const ver: number[] = [];
  for (let i = 0; i < samples; i++) {
    const index = Math.floor(Math.random() * size);
    const t0 = performance.now();
    const path = await ledger.proveInclusion(index, size);
    gen.push(performance.now() - t0);
    const leaf = fromHex(ledger.entry(index)!.leaf)!;
    const bytes = path.map((h) => fromHex(h)!);
    const t1 = performance.now();
    const ok = verifyInclusion(nodeSuite, index, size, leaf, bytes, root);
    ver.push(performance.now() - t1);
    if (!ok) throw new Error(`inclusion proof of ${index} did not verify`);
  }
  const cgen: number[] = [];
  const cver: number[] = [];
  for (let i = 0; i < samples; i++) {
    const from = 1 + Math.floor(Math.random() * (size - 1));
    const fromRoot = await ledger.rootAt(from);
    const t0 = performance.now();
    const path = await ledger.proveConsistency(from, size);
    cgen.push(performance.now() - t0);
    const bytes = path.map((h) => fromHex(h)!);
    const t1 = performance.now();
    const ok = verifyConsistency(nodeSuite, from, size, fromRoot, root, bytes);
    cver.push(performance.now() - t1);
    if (!ok) throw new Error(`consistency proof ${from} → ${size} did not verify`);
  }
  const result = {
    size,
    inclusion: { generate: summarize(gen), verify: summarize(ver) },
    consistency: { generate: summarize(cgen), verify: summarize(cver) },
  };
  log('(d) proofs', JSON.stringify(result));
  return result;
};
