/** Benchmarks that run on the big ledger after the engine's: the domain issues add theirs here. */
import type { BuiltLedger } from './big-ledger.js';

export interface BenchContext {
  /** The big ledger's data directory (closed; open it yourself and close it when done). */
  dir: string;
  built: BuiltLedger;
}

export const extraBenchmarks: Record<string, (ctx: BenchContext) => Promise<unknown>> = {};
