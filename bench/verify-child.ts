/**
 * (c) Full verification of a data directory in its own process (so its memory is
 * its own): every hash, checkpoint, signature and domain rule, as `anxin verify --data`;
 * with `engine`, the ledger engine's verifier alone, on the ledger of engine-ledger.ts
 * (hashes, tree, checkpoints and each event's signature against the key
 * directory of genesis, actor.register and actor.rotateKey; no domain replay).
 * Reports CPU per entry (main thread and all threads) besides the rate: CPU time
 * stays meaningful when the machine is busy.
 *   node dist/bench/verify-child.js DIR ORIGIN OPERATOR_KEY [engine]
 */
import { verifyDataDir } from '../ledger/index.js';
import { Catalogue } from '../src/domain/catalogue.js';
import { domainReplay } from '../src/domain/replay.js';
import { DOMAINS } from '../src/plugins.js';
import { cpuPerItem, cpuSeconds, peakRssMb, round } from './util.js';

const [dir, origin, operatorKey, mode] = process.argv.slice(2);
const t0 = performance.now();
const c0 = cpuSeconds();
const hook = mode === 'engine' ? undefined : domainReplay(new Catalogue(DOMAINS), { maxSkewS: 600 });
const report = await verifyDataDir(dir, { origin, operatorKey, hook });
const seconds = (performance.now() - t0) / 1000;
const cpu = cpuPerItem(c0, cpuSeconds(), Math.max(1, report.size));
console.log(
  JSON.stringify({
    ok: report.ok,
    size: report.size,
    errors: report.errors.length,
    firstError: report.errors[0],
    seconds: round(seconds, 2),
    entriesPerSec: round(report.size / seconds),
    /** CPU per entry: the main thread (hashes, tree, replay) and every thread (plus signature workers, LevelDB, GC). */
    cpuUsPerEntry: cpu,
    peakRssMb: peakRssMb(),
  }),
);
