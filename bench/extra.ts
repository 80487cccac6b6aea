/** Benchmarks that run on the big ledger after the engine's: the domain issues add theirs here. */
import type { BigLedger } from './big-ledger.js';
import { anomaliesBench } from './anomalies.js';
import { incrementalVerify } from './incremental-verify.js';
import { traceBench } from './trace.js';
import { witnessBench } from './witness.js';

export interface BenchContext {
  /** The big ledger's data directory. It is closed: open it with `big.open()` and close it when done. */
  dir: string;
  /** Build stats, the workload (continue it with `big.append`), and `open()`. */
  big: BigLedger;
}

/**
 * Each returns a JSON-able section for bench/results.json; a `rows` array of
 * { figure, value, ratio?, target?, ok? } also lands in the BENCHMARKS.md table.
 */
export const extraBenchmarks: Record<string, (ctx: BenchContext) => Promise<unknown>> = {
  incrementalVerify: (ctx) => incrementalVerify(ctx),
  anomalies: (ctx) => anomaliesBench(ctx),
  trace: (ctx) => traceBench(ctx),
  witness: (ctx) => witnessBench(ctx),
};
