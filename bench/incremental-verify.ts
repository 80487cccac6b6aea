/**
 * Incremental verification (SPEC §8 /v1/regulator/verify): the
 * regulators' VerificationService first verifies the whole big ledger from
 * genesis (timed separately), then 10,000 more workload entries are appended
 * through the service's admission, and the next call — which checks only what
 * was appended since the last verified checkpoint — is timed, with its CPU per
 * entry (main thread and all threads). Target ≤ 1 s (issue 13: a replaying
 * witness must outrun the log's peak ingest).
 *
 * Both runs are the service's own: hashes, stored tree, checkpoints, signatures
 * (worker threads) and domain replay, reading LevelDB while the ledger is open.
 */
import { Catalogue } from '../src/domain/catalogue.js';
import { DOMAINS } from '../src/plugins.js';
import { VerificationService } from '../src/regulator/verification.js';
import type { BenchContext } from './extra.js';
import { cpuPerItem, cpuSeconds, log, peakRssMb, round } from './util.js';

export const NEW_ENTRIES = 10_000;
export const TARGET_SECONDS = 1;

const timed = async <T>(run: () => Promise<T>): Promise<{ value: T; seconds: number; cpu: ReturnType<typeof cpuSeconds>[] }> => {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const value = await run();
  return { value, seconds: (performance.now() - t0) / 1000, cpu: [c0, cpuSeconds()] };
};

export const incrementalVerify = async (ctx: BenchContext, newEntries = NEW_ENTRIES) => {
  const opened = await ctx.big.open();
  try {
    const service = new VerificationService(opened.ledger, new Catalogue(DOMAINS), { maxSkewS: 600, now: opened.now });
    const size = opened.ledger.size;
    log(`  incremental verify: verifying all ${size} entries first`);
    const full = await timed(() => service.start(false).done);
    log(`  incremental verify: appending ${newEntries} entries`);
    await ctx.big.append(opened, newEntries);
    const inc = await timed(() => service.start(false).done);
    const r = inc.value;
    const ok = r.ok && r.checked === newEntries && inc.seconds <= TARGET_SECONDS;
    return {
      size,
      full: {
        seconds: round(full.seconds, 2),
        checked: full.value.checked,
        ok: full.value.ok,
        entriesPerSec: round(full.value.checked / full.seconds),
        cpuUsPerEntry: cpuPerItem(full.cpu[0], full.cpu[1], Math.max(1, full.value.checked)),
      },
      incremental: {
        seconds: round(inc.seconds, 3),
        checked: r.checked,
        size: r.size,
        ok: r.ok,
        errors: r.errors.length,
        firstError: r.errors[0],
        entriesPerSec: round(r.checked / inc.seconds),
        cpuUsPerEntry: cpuPerItem(inc.cpu[0], inc.cpu[1], Math.max(1, r.checked)),
      },
      peakRssMb: peakRssMb(),
      rows: [
        {
          figure: `incremental verification of ${newEntries.toLocaleString('en-US')} new entries on a ${size.toLocaleString('en-US')}-entry ledger`,
          value: `${round(inc.seconds, 3)} s (${r.checked.toLocaleString('en-US')} checked, ${Math.round(r.checked / inc.seconds).toLocaleString('en-US')} entries/s, ${cpuPerItem(inc.cpu[0], inc.cpu[1], Math.max(1, r.checked)).mainThreadUs ?? '?'} µs main-thread CPU per entry, ok: ${r.ok}; full run first: ${round(full.seconds, 1)} s)`,
          target: `≤ ${TARGET_SECONDS} s`,
          ok,
        },
      ],
    };
  } finally {
    await opened.close();
  }
};
