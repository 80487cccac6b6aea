/**
 * `npm run bench`: every benchmark in one run on this machine. Writes
 * bench/results.json and BENCHMARKS.md, each figure next to the machine's own
 * limit measured in the same run.
 *
 *   npm run bench                 the full run (a 1,000,000-entry ledger)
 *   npm run bench -- --size N     a smaller ledger, for a quick look (marked as such)
 *   npm run bench -- --stores-only [--scale F]   only the LevelDB / PostgreSQL comparison (F scales its event counts)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ledger } from '../ledger/index.js';
import { measureAppends } from './append.js';
import { BENCH_ORIGIN, buildLedger, operatorKey } from './big-ledger.js';
import { buildEngineLedger } from './engine-ledger.js';
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

const results: Results = { date: new Date().toISOString(), machine: machine(), ledgerSize: size, sections: {} };
const save = () => {
  mkdirSync(join(root, 'bench'), { recursive: true });
  writeFileSync(join(root, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(root, 'BENCHMARKS.md'), renderMarkdown(results));
};

log(`machine: ${JSON.stringify(results.machine)}; ledger size ${size}`);
results.sections.limits = await measureLimits();
save();
const storesScale = Number(arg('--scale') ?? 1);
results.sections.stores = await measureStores(storesScale);
if (storesScale !== 1) results.sections.stores.scale = storesScale;
save();
if (process.argv.includes('--stores-only')) {
  log('wrote bench/results.json and BENCHMARKS.md (stores only)');
  process.exit(0);
}
results.sections.appends = await measureAppends([
  { concurrency: 1, events: 2_000 },
  { concurrency: 16, events: 20_000 },
  { concurrency: 256, events: 40_000 },
]);
save();
results.sections.http = await measureHttp([
  { mode: 'single', connections: 64, events: 20_000 },
  { mode: 'batch', connections: 8, events: 40_000, batch: 100 },
]);
save();

const dir = tempDir('ledger');
log(`building a ${size}-entry ledger in ${dir}`);
const big = await buildLedger(dir, size);
results.sections.build = big.stats;
log('built', JSON.stringify(big.stats));
save();

results.sections.open = await runNode(join(here, 'open-child.js'), [dir, BENCH_ORIGIN]);
log('(e) open', JSON.stringify(results.sections.open));
save();

const ledger = await Ledger.open({ path: dir, origin: BENCH_ORIGIN, operator: operatorKey() });
results.sections.proofs = await measureProofs(ledger);
await ledger.close();
save();

const engineDir = tempDir('engine');
log(`building a ${size}-entry engine ledger in ${engineDir}`);
await buildEngineLedger(engineDir, size);
results.sections.verifyEngine = await runNode(join(here, 'verify-child.js'), [engineDir, BENCH_ORIGIN, operatorKey().publicKey, 'engine']);
rmSync(engineDir, { recursive: true, force: true });
log('(c) verify, engine', JSON.stringify(results.sections.verifyEngine));
save();
results.sections.verify = await runNode(join(here, 'verify-child.js'), [dir, BENCH_ORIGIN, operatorKey().publicKey]);
log('(c) verify, with domain replay', JSON.stringify(results.sections.verify));
save();

for (const [name, bench] of Object.entries(extraBenchmarks)) {
  results.sections[name] = await bench({ dir, big });
  log(`(${name})`, JSON.stringify(results.sections[name]));
  save();
}

rmSync(dir, { recursive: true, force: true });
log('wrote bench/results.json and BENCHMARKS.md');
