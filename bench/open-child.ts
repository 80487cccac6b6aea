/**
 * (e) Opening the ledger in a fresh process: time to a usable ledger (open-time
 * checks included) and the process's peak RSS after serving some proofs, with its resident
 * memory at the end split into anonymous and file-backed (LevelDB's mapped tables).
 *   node dist/bench/open-child.js DIR ORIGIN
 */
import { Ledger } from '../ledger/index.js';
import { operatorKey } from './big-ledger.js';
import { peakRssMb, round, rssSplitMb } from './util.js';

const [dir, origin] = process.argv.slice(2);
const t0 = performance.now();
const ledger = await Ledger.open({ path: dir, origin, operator: operatorKey() });
const openMs = performance.now() - t0;
const rssAfterOpen = round(process.memoryUsage().rss / 2 ** 20);
for (let i = 0; i < 200; i++) await ledger.proveInclusion(Math.floor(Math.random() * ledger.size), ledger.size);
const size = ledger.size;
const rssAfterProofs = rssSplitMb();
await ledger.close();
console.log(JSON.stringify({ size, openMs: round(openMs, 1), rssAfterOpenMb: rssAfterOpen, peakRssMb: peakRssMb(), rssAfterProofs }));
