/**
 * Builds the benchmark ledger: `size` entries of the realistic workload, appended
 * through the service's own admission (rules and all) in batches, on a real
 * LevelDB. Signature checks run on worker threads as in the server.
 */
import { Ledger, SigPool } from '../ledger/index.js';
import { Catalogue } from '../src/domain/catalogue.js';
import { Ingest } from '../src/ingest.js';
import { PLUGINS } from '../src/plugins.js';
import { benchKey, Workload } from './workload.js';
import { log, peakRssMb, round } from './util.js';

export const BENCH_ORIGIN = 'bench.anxin/ledger';
export const operatorKey = () => benchKey('operator');
export const regulatorKey = () => benchKey('regulator');
const BATCH = 500;

export interface BuiltLedger {
  dir: string;
  size: number;
  seconds: number;
  entriesPerSec: number;
  peakRssMb: number;
  showcase: { farm: string; fillet: string; pack: string };
  /** The simulated time at which the build ended (ms). */
  endMs: number;
}

export const buildLedger = async (dir: string, size: number): Promise<BuiltLedger> => {
  // Batches are 5 simulated minutes apart and end now. One batch is generated while the
  // previous one commits, so the ledger's clock lags the generator's by one batch (< the skew).
  const msPerBatch = 5 * 60_000;
  const startMs = Date.now() - Math.ceil(size / BATCH) * msPerBatch;
  const workload = new Workload({ regulator: regulatorKey(), startMs, msPerBatch });
  const catalogue = new Catalogue(PLUGINS);
  const regulator = regulatorKey();
  const ledger = await Ledger.open({
    path: dir,
    origin: BENCH_ORIGIN,
    operator: operatorKey(),
    now: () => workload.now - msPerBatch,
    genesis: { regulators: [{ id: regulator.id, name: '台州市市场监督管理局', publicKey: regulator.publicKey }], state: (e) => catalogue.genesisState(e) },
  });
  const pool = new SigPool();
  const ingest = new Ingest(ledger, catalogue, 600, (k, m, s) => pool.verify(k, m, s));
  const t0 = performance.now();
  let inFlight: Promise<unknown> | undefined;
  let appended = 1;
  while (appended < size) {
    if (appended >= size / 2) workload.startShowcase();
    const n = Math.min(BATCH, size - appended);
    const events = workload.next(n);
    appended += n;
    await inFlight;
    inFlight = ingest.submit(events, true).catch((e) => {
      console.error(JSON.stringify(e.extra?.errors ?? e.message).slice(0, 2000));
      throw new Error(`the benchmark workload was rejected near entry ${ledger.size}: ${e.message}`);
    });
    if (appended % 50_000 < BATCH) log(`  built ${appended} entries, ${round(appended / ((performance.now() - t0) / 1000))}/s`);
  }
  await inFlight;
  const seconds = (performance.now() - t0) / 1000;
  const built = { dir, size: ledger.size, seconds: round(seconds), entriesPerSec: round(ledger.size / seconds), peakRssMb: peakRssMb(), showcase: workload.showcase, endMs: workload.now };
  await ledger.close();
  await pool.close();
  return built;
};
