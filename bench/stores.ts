/**
 * The two stores side by side (LevelDB, and PostgreSQL on a throwaway cluster
 * started here with the server's default durability: fsync and synchronous
 * commit on): durable single-event appends at 16 and 256 appenders, batches of
 * 100 events per transaction, HTTP ingest against the real server, then opening
 * and verifying the resulting ledger. PostgreSQL is skipped (and said so) when
 * it is not installed.
 *
 *   npm run bench -- --only stores [--scale F]    this section alone (F scales the event counts)
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Ledger,
  fromBase64Url,
  keyFromSeed,
  nodeSuite,
  parseKeyFile,
  randomSeed,
  signEnvelope,
  signingInput,
  SigPool,
  type Envelope,
} from '../ledger/index.js';
import { findPgBin, startCluster, type Cluster } from '../scripts/pg-cluster.js';
import { startServer } from './server.js';
import { log, round, runNode, summarize, tempDir } from './util.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const key = (id: string) => parseKeyFile(nodeSuite, JSON.stringify(keyFromSeed(nodeSuite, id, randomSeed())));

type Where = { path?: string; database?: string };

const events = (tag: string, n: number, actors: ReturnType<typeof key>[]): Envelope[] =>
  Array.from({ length: n }, (_, i) => {
    const k = actors[i % actors.length];
    return signEnvelope(nodeSuite, k.seed, {
      v: 1,
      id: `${tag}-${String(i).padStart(8, '0')}`,
      type: 'lot.temperature',
      actor: k.id,
      at: new Date().toISOString(),
      body: { shipment: `S-${i % 500}`, readings: [{ t: new Date().toISOString(), c: 3.5 + (i % 10) / 10 }] },
    });
  });

/** Appends `n` pre-signed events, `batch` per transaction, from `concurrency` appenders that verify signatures on worker threads. */
const appendRun = async (
  ledger: Ledger,
  pool: SigPool,
  evs: Envelope[],
  concurrency: number,
  batch: number,
  keys: Map<string, Uint8Array>,
) => {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < evs.length) {
        const mine = evs.slice(next, (next += batch));
        const start = performance.now();
        const ok = await Promise.all(mine.map((ev) => pool.verify(keys.get(ev.actor)!, signingInput(ev), fromBase64Url(ev.sig)!)));
        if (ok.includes(false)) throw new Error('bad signature');
        await ledger.transact((tx) => {
          for (const ev of mine) tx.append(ev);
        });
        latencies.push(performance.now() - start);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { concurrency, batch, events: evs.length, eventsPerSec: round(evs.length / seconds), latency: summarize(latencies) };
};

const measureBackend = async (backend: string, fresh: () => Promise<Where & { cleanup(): void }>, scale: number) => {
  const operator = key('operator');
  const actors = Array.from({ length: 32 }, (_, i) => key(`actor-${i}`));
  const keys = new Map(actors.map((a) => [a.id, fromBase64Url(a.publicKey)!]));
  const out: Record<string, unknown> = { backend };
  const pool = new SigPool();
  const runs = [
    { name: 'single16', concurrency: 16, batch: 1, n: Math.round(20_000 * scale) },
    { name: 'single256', concurrency: 256, batch: 1, n: Math.round(40_000 * scale) },
    { name: 'batch100', concurrency: 8, batch: 100, n: Math.round(100_000 * scale) },
  ];
  let last: (Where & { cleanup(): void }) | undefined;
  for (const r of runs) {
    // Signed before the ledger opens: signing blocks the event loop for seconds, and a PostgreSQL
    // sequencer that cannot answer its lease session for the lease's TTL loses it (ledger/pg/store.ts).
    const signed = events(`${backend}-${r.name}`, r.n, actors);
    const where = await fresh();
    // The actors are genesis regulators, so the engine's verifier knows their keys and the log verifies clean.
    const regulators = actors.map((a) => ({ id: a.id, name: a.id, publicKey: a.publicKey }));
    const ledger = await Ledger.open({ ...where, origin: 'bench/ledger', operator, genesis: { regulators } });
    out[r.name] = await appendRun(ledger, pool, signed, r.concurrency, r.batch, keys);
    log(`(stores) ${backend} ${r.name}`, JSON.stringify(out[r.name]));
    await ledger.close();
    last?.cleanup();
    last = where;
  }
  await pool.close();
  // Open and verify the ledger the batch run left (its size: runs[2].n + 1 entries).
  let t0 = performance.now();
  const ledger = await Ledger.open({ ...last!, origin: 'bench/ledger', operator });
  out.open = { size: ledger.size, ms: round(performance.now() - t0) };
  t0 = performance.now();
  const report = await ledger.verify();
  const seconds = (performance.now() - t0) / 1000;
  out.verify = { ok: report.ok, size: report.size, seconds: round(seconds), entriesPerSec: round(report.size / seconds) };
  await ledger.close();
  last!.cleanup();
  log(`(stores) ${backend} open/verify`, JSON.stringify({ open: out.open, verify: out.verify }));
  // HTTP ingest against the real server on this store.
  const http = [];
  for (const r of [
    { mode: 'single', connections: 64, events: Math.round(20_000 * scale) },
    { mode: 'batch', connections: 8, events: Math.round(40_000 * scale), batch: 100 },
  ]) {
    const where = await fresh();
    const dir = tempDir('stores-http');
    const server = await startServer(dir, {
      ANXIN_ORIGIN: 'bench.anxin/ledger',
      ...(where.database ? { ANXIN_DATABASE_URL: where.database } : {}),
    });
    const result = await runNode(join(here, 'loadgen.js'), [
      server.url,
      join(dir, 'regulator.key'),
      r.mode,
      String(r.connections),
      String(r.events),
      String(r.batch ?? 100),
    ]);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    where.cleanup();
    http.push({ ...result, batch: r.batch });
  }
  out.http = http;
  log(`(stores) ${backend} http`, JSON.stringify(http));
  return out;
};

export const measureStores = async (scale = 1): Promise<Record<string, unknown>> => {
  const out: Record<string, unknown> = {};
  out.leveldb = await measureBackend(
    'leveldb',
    async () => {
      const dir = tempDir('stores');
      return { path: join(dir, 'data'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    },
    scale,
  );
  if (!findPgBin()) {
    log('(stores) PostgreSQL is not installed: its column is left out of this run');
    return out;
  }
  let cluster: Cluster | undefined;
  try {
    cluster = startCluster({ settings: { max_connections: 100, shared_buffers: '256MB' } });
    let n = 0;
    const c = cluster;
    out.postgres = await measureBackend(
      'postgres',
      async () => ({ database: await c.createDatabase(`bench${n++}`), cleanup: () => undefined }),
      scale,
    );
    const v = await import('pg');
    const client = new v.default.Client({ connectionString: c.url() });
    await client.connect();
    const settings = await client.query(
      `SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'wal_sync_method')`,
    );
    await client.end();
    (out.postgres as Record<string, unknown>).server = Object.fromEntries(settings.rows.map((r) => [r.name, r.setting]));
  } finally {
    cluster?.stop();
  }
  return out;
};
