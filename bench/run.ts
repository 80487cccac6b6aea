/**
 * `npm run bench`: every benchmark in one run on this machine. Writes
 * bench/results.json and BENCHMARKS.md, each figure next to the machine's own
 * limit measured in the same run.
 *
 *   npm run bench                 the full run (a 1,000,000-entry ledger)
 *   npm run bench -- --size N     a smaller ledger, for a quick look (marked as such)
 *   npm run bench -- --only http  only the named sections (comma-separated; see `only` below), printed, not saved
 *   npm run bench -- --only stores --scale 0.01   the LevelDB / PostgreSQL comparison, its event counts scaled
 *   npm run bench -- --only hostile --connections 500 --rounds 1   the hostile-input probes, small
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ledger } from '../ledger/index.js';
import { measureAppends } from './append.js';
import { BENCH_ORIGIN, buildLedger, operatorKey } from './big-ledger.js';
import { buildEngineLedger } from './engine-ledger.js';
import { measureHostile } from './hostile.js';
import { measureHttp } from './http.js';
import { measureLimits } from './limits.js';
import { measureProofs } from './proofs.js';
import { renderMarkdown, type Results } from './report.js';
import { log, machine, runNode, tempDir } from './util.js';
import { extraBenchmarks } from './extra.js';
import { measureStores } from './stores.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const size = Number(arg('--size') ?? 1_000_000);

/**
 * `--only a,b` runs only the named sections (limits, stores, appends, http, hostile, build, open, proofs, verifyEngine, verify,
 * and the extras: incrementalVerify, anomalies, trace); the Ed25519 limit is always measured, since every ratio
 * is to it. A partial run prints its table and leaves bench/results.json and BENCHMARKS.md as they are.
 */
const only = arg('--only')?.split(',').filter(Boolean);
const wanted = (name: string) => !only || name === 'limits' || only.includes(name);
const needsBig = ['build', 'open', 'proofs', 'verifyEngine', 'verify', ...Object.keys(extraBenchmarks)].some(
  (n) => !only || only.includes(n),
);

const results: Results = { date: new Date().toISOString(), machine: machine(), ledgerSize: size, sections: {} };
const save = () => {
  if (only) return;
  mkdirSync(join(root, 'bench'), { recursive: true });
  writeFileSync(join(root, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(root, 'BENCHMARKS.md'), renderMarkdown(results));
};

log(`machine: ${JSON.stringify(results.machine)}; ledger size ${size}${only ? `; only ${only.join(', ')}` : ''}`);
results.sections.limits = await measureLimits();
save();
if (wanted('stores')) {
  const scale = Number(arg('--scale') ?? 1);
  results.sections.stores = await measureStores(scale);
  if (scale !== 1) results.sections.stores.scale = scale;
  save();
}
if (wanted('appends')) {
  results.sections.appends = await measureAppends([
    { concurrency: 1, events: 2_000 },
    { concurrency: 16, events: 20_000 },
    { concurrency: 256, events: 40_000 },
  ]);
  save();
}
if (wanted('http')) {
  results.sections.http = await measureHttp([
    { mode: 'single', connections: 64, events: 20_000 },
    { mode: 'batch', connections: 8, events: 40_000, batch: 100 },
  ]);
  save();
}
if (wanted('hostile')) {
  results.sections.hostile = await measureHostile({
    connections: Number(arg('--connections') ?? 10_000),
    rounds: Number(arg('--rounds') ?? 5),
  });
  save();
}

if (needsBig) {
  const dir = tempDir('ledger');
  log(`building a ${size}-entry ledger in ${dir}`);
  const big = await buildLedger(dir, size);
  results.sections.build = big.stats;
  log('built', JSON.stringify(big.stats));
  save();

  if (wanted('open')) {
    results.sections.open = await runNode(join(here, 'open-child.js'), [dir, BENCH_ORIGIN]);
    log('(e) open', JSON.stringify(results.sections.open));
    save();
  }

  if (wanted('proofs')) {
    const ledger = await Ledger.open({ path: dir, origin: BENCH_ORIGIN, operator: operatorKey() });
    results.sections.proofs = await measureProofs(ledger);
    await ledger.close();
    save();
  }

  if (wanted('verifyEngine')) {
    const engineDir = tempDir('engine');
    log(`building a ${size}-entry engine ledger in ${engineDir}`);
    await buildEngineLedger(engineDir, size);
    results.sections.verifyEngine = await runNode(join(here, 'verify-child.js'), [
      engineDir,
      BENCH_ORIGIN,
      operatorKey().publicKey,
      'engine',
    ]);
    rmSync(engineDir, { recursive: true, force: true });
    log('(c) verify, engine', JSON.stringify(results.sections.verifyEngine));
    save();
  }
  if (wanted('verify')) {
    results.sections.verify = await runNode(join(here, 'verify-child.js'), [dir, BENCH_ORIGIN, operatorKey().publicKey]);
    log('(c) verify, with domain replay', JSON.stringify(results.sections.verify));
    save();
  }

  for (const [name, bench] of Object.entries(extraBenchmarks)) {
    if (!wanted(name)) continue;
    results.sections[name] = await bench({ dir, big });
    log(`(${name})`, JSON.stringify(results.sections[name]));
    save();
  }

  rmSync(dir, { recursive: true, force: true });
}
if (only) process.stdout.write(renderMarkdown(results));
else log('wrote bench/results.json and BENCHMARKS.md');
