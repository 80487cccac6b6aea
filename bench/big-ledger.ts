/**
 * Builds the benchmark ledger: `size` entries of the realistic workload, appended
 * through the service's own admission (rules and all) in batches, on a real
 * LevelDB. Signature checks run on worker threads as in the server. The returned
 * handle reopens the ledger on the workload's clock and continues the workload,
 * for benchmarks that append more (incremental verification, anomalies).
 */
import { Ledger, SigPool, type Envelope } from '../ledger/index.js';
import { Catalogue } from '../src/domain/catalogue.js';
import { Ingest } from '../src/ingest.js';
import { DOMAINS } from '../src/plugins.js';
import { benchKey, Workload } from './workload.js';
import { log, peakRssMb, round } from './util.js';

export const BENCH_ORIGIN = 'bench.anxin/ledger';
export const operatorKey = () => benchKey('operator');
export const regulatorKey = () => benchKey('regulator');
export const BATCH = 500;
/** Batches are 5 simulated minutes apart; the build ends at the real time it started + nothing (it starts in the past). */
const MS_PER_BATCH = 5 * 60_000;

export interface BuildStats {
  dir: string;
  size: number;
  seconds: number;
  entriesPerSec: number;
  peakRssMb: number;
  showcase: { farm: string; fillet: string; pack: string };
}

export interface OpenedBenchLedger {
  ledger: Ledger;
  ingest: Ingest;
  /** The ledger's clock (ms): one batch behind the workload's. */
  now(): number;
  close(): Promise<void>;
}

export interface BigLedger {
  stats: BuildStats;
  workload: Workload;
  /** Opens the ledger with the workload's clock and an ingest over it (one at a time). */
  open(): Promise<OpenedBenchLedger>;
  /** Appends `n` more workload entries in batches through `opened.ingest`. */
  append(opened: OpenedBenchLedger, n: number): Promise<void>;
}

const appendBatches = async (workload: Workload, ingest: Ingest, ledger: Ledger, n: number, onBatch?: (done: number) => void) => {
  let inFlight: Promise<unknown> | undefined;
  let done = 0;
  while (done < n) {
    const events: Envelope[] = workload.next(Math.min(BATCH, n - done));
    done += events.length;
    await inFlight;
    inFlight = ingest.submit(events, true).catch((e) => {
      console.error(JSON.stringify(e.extra?.errors ?? e.message).slice(0, 2000));
      throw new Error(`the benchmark workload was rejected near entry ${ledger.size}: ${e.message}`);
    });
    onBatch?.(done);
  }
  await inFlight;
};

export const buildLedger = async (dir: string, size: number): Promise<BigLedger> => {
  // One batch is generated while the previous one commits, so the ledger's clock lags the
  // generator's by one batch (less than the allowed skew). The build ends about now.
  const startMs = Date.now() - Math.ceil(size / BATCH) * MS_PER_BATCH;
  const workload = new Workload({ regulator: regulatorKey(), startMs, msPerBatch: MS_PER_BATCH });
  const catalogue = new Catalogue(DOMAINS);
  const regulator = regulatorKey();
  const open = async (genesis: boolean): Promise<OpenedBenchLedger> => {
    const now = () => workload.now - MS_PER_BATCH;
    const ledger = await Ledger.open({
      path: dir,
      origin: BENCH_ORIGIN,
      operator: operatorKey(),
      now,
      genesis: genesis
        ? {
            regulators: [{ id: regulator.id, name: '台州市市场监督管理局', publicKey: regulator.publicKey }],
            state: (e) => catalogue.genesisState(e),
          }
        : undefined,
    });
    const pool = new SigPool();
    // The ingest's early skew check reads the ledger's clock, as the server's does (src/app.ts).
    const ingest = new Ingest(ledger, catalogue, 600, (k, m, s) => pool.verify(k, m, s), now);
    return { ledger, ingest, now, close: async () => (await ledger.close(), await pool.close()) };
  };

  const opened = await open(true);
  const t0 = performance.now();
  let lastLog = 0;
  await appendBatches(workload, opened.ingest, opened.ledger, size - 1, (done) => {
    if (done >= size / 2) workload.startShowcase();
    if (done - lastLog >= 50_000) {
      lastLog = done;
      log(`  built ${done} entries, ${round(done / ((performance.now() - t0) / 1000))}/s`);
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  const stats: BuildStats = {
    dir,
    size: opened.ledger.size,
    seconds: round(seconds),
    entriesPerSec: round(opened.ledger.size / seconds),
    peakRssMb: peakRssMb(),
    showcase: workload.showcase,
  };
  await opened.close();
  return {
    stats,
    workload,
    open: () => open(false),
    append: (o, n) => appendBatches(workload, o.ingest, o.ledger, n),
  };
};
