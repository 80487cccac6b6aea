/**
 * Prometheus metrics (`GET /metrics`, text format), on prom-client's global default
 * registry so every module adds its own to the same page (docs/OPERATIONS.md
 * lists them). The ledger reports through its WriteObserver hooks and the
 * signature pool is read when scraped; nothing here affects what is appended.
 */
import { Counter, Gauge, Histogram, collectDefaultMetrics, register } from 'prom-client';
import type { Ledger, SigPool } from '../ledger/index.js';

/** What the gauges read when scraped: the ledger and pool of the latest app built (one per process in service). */
const bound: { ledger?: Ledger; pool?: SigPool } = {};

let defaults = false;
const once = <T>(name: string, make: () => T): T => (register.getSingleMetric(name) as T | undefined) ?? make();

export const ledgerEntries = once(
  'anxin_ledger_entries',
  () =>
    new Gauge({
      name: 'anxin_ledger_entries',
      help: 'Durable entries in the ledger (its size)',
      collect() {
        if (bound.ledger) this.set(bound.ledger.size);
      },
    }),
);

export const ledgerWritable = once(
  'anxin_ledger_writable',
  () =>
    new Gauge({
      name: 'anxin_ledger_writable',
      help: '1 while the ledger takes writes, 0 after a failed write until it heals (see /healthz)',
      collect() {
        if (bound.ledger) this.set(bound.ledger.health.ok ? 1 : 0);
      },
    }),
);

export const appends = once('anxin_appends_total', () => new Counter({ name: 'anxin_appends_total', help: 'Entries appended (durable)' }));

export const writeFailures = once(
  'anxin_ledger_write_failures_total',
  () => new Counter({ name: 'anxin_ledger_write_failures_total', help: 'Durable writes that failed (full disk, I/O error)' }),
);

export const rejections = once(
  'anxin_rejections_total',
  () => new Counter({ name: 'anxin_rejections_total', help: 'Problem answers (rejections) by stable error code', labelNames: ['code'] }),
);

export const appendSeconds = once(
  'anxin_append_seconds',
  () =>
    new Histogram({
      name: 'anxin_append_seconds',
      help: 'From a transaction submitted to its entries durable',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
);

export const fsyncSeconds = once(
  'anxin_fsync_seconds',
  () =>
    new Histogram({
      name: 'anxin_fsync_seconds',
      help: 'Writing and fsyncing one commit group',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    }),
);

export const signatureBacklog = once(
  'anxin_signature_backlog',
  () =>
    new Gauge({
      name: 'anxin_signature_backlog',
      help: 'Signature checks waiting or running on the worker threads',
      collect() {
        this.set(bound.pool?.outstanding ?? 0);
      },
    }),
);

export const signatureWorkerRestarts = once(
  'anxin_signature_worker_restarts',
  () =>
    new Gauge({
      name: 'anxin_signature_worker_restarts',
      help: 'Signature workers replaced after they died',
      collect() {
        this.set(bound.pool?.restarts ?? 0);
      },
    }),
);

/** Reports `ledger` (and `pool`) in the metrics from now on. */
export const bindMetrics = (ledger: Ledger, pool?: SigPool): void => {
  if (!defaults) {
    defaults = true;
    collectDefaultMetrics({ prefix: 'anxin_' });
  }
  bound.ledger = ledger;
  if (pool) bound.pool = pool;
  ledger.observer = {
    committed: (entries, seconds) => {
      appends.inc(entries);
      fsyncSeconds.observe(seconds);
    },
    appended: (_entries, seconds) => appendSeconds.observe(seconds),
    failed: () => writeFailures.inc(),
  };
};

/** Counts one problem answer. */
export const countRejection = (code: string): void => rejections.inc({ code });

export { register as metricsRegistry };
