/**
 * The anomalies query (issue 6; SPEC §8 GET /v1/regulator/anomalies) on the big
 * ledger: the real Express app over the opened ledger, on a loopback listener,
 * asked by the root regulator with RFC 9421-signed requests in a round of
 * filter variants (none, severity, rule, rule + severity, subject, since, the
 * second page by cursor). Timed per request from the client: signing is done
 * before the clock starts, the server verifies each signature. Target p99 ≤ 20 ms.
 *
 * The client runs in this process (undici keep-alive pool), so it shares the
 * CPU with the server; figures are with 1 connection (latency) and with 8
 * (throughput, with queueing).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Pool } from 'undici';
import { nodeSuite } from '../ledger/index.js';
import { buildApp } from '../src/app.js';
import type { Config } from '../src/config.js';
import { signRequest } from '../src/http/message-signatures.js';
import { BENCH_ORIGIN, regulatorKey } from './big-ledger.js';
import type { BenchContext } from './extra.js';
import { log, round, summarize } from './util.js';

export const REQUESTS = 2000;
export const TARGET_P99_MS = 20;
const PATH = '/v1/regulator/anomalies';

interface Page {
  anomalies: Array<{ rule: string; subject: string; severity: string; since: string }>;
  next: string | null;
}

export const anomaliesBench = async (ctx: BenchContext, requests = REQUESTS) => {
  const opened = await ctx.big.open();
  const regulator = regulatorKey();
  const config: Config = {
    port: 0,
    dataDir: ctx.dir,
    origin: BENCH_ORIGIN,
    operatorKeyPath: join(ctx.dir, 'operator.key'),
    regulatorPublicKey: regulator.publicKey,
    regulatorId: regulator.id,
    maxSkewS: 600,
    publicUrl: 'http://127.0.0.1',
  };
  const app = buildApp({ ledger: opened.ledger, config, now: opened.now, log: (e) => log('  anomalies: server error', e) });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const headers = (path: string) => signRequest(nodeSuite, regulator, { method: 'GET', target: path }, Math.floor(opened.now() / 1000));
  const pool = new Pool(origin, { connections: 8, pipelining: 1 });
  const get = async (path: string): Promise<{ status: number; body: string }> => {
    const res = await pool.request({ method: 'GET', path, headers: headers(path) });
    return { status: res.statusCode, body: await res.body.text() };
  };
  try {
    // Census (untimed): every open anomaly, by rule and severity, in pages of 1000.
    const byRule: Record<string, number> = {};
    let open = 0;
    let first: Page | undefined;
    for (let path: string | null = `${PATH}?limit=1000`; path; ) {
      const page = JSON.parse((await get(path)).body) as Page;
      first ??= page;
      for (const a of page.anomalies) byRule[`${a.rule}/${a.severity}`] = (byRule[`${a.rule}/${a.severity}`] ?? 0) + 1;
      open += page.anomalies.length;
      path = page.next;
    }
    const newest = first?.anomalies[0];
    const second = JSON.parse((await get(PATH)).body) as Page;
    const variants = [
      PATH,
      `${PATH}?severity=red`,
      `${PATH}?rule=custody-short`,
      `${PATH}?rule=temp-excursion&severity=yellow`,
      ...(newest ? [`${PATH}?subject=${encodeURIComponent(newest.subject)}`] : []),
      `${PATH}?since=${new Date(opened.now() - 24 * 3600 * 1000).toISOString()}&limit=50`,
      ...(second.next ? [second.next] : []),
    ];
    const signed = (n: number) => Array.from({ length: n }, (_, i) => variants[i % variants.length]);

    const run = async (paths: string[], connections: number) => {
      const latencies: number[] = [];
      let failed = 0;
      let k = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (k < paths.length) {
            const path = paths[k++];
            const h = headers(path);
            const s = performance.now();
            const res = await pool.request({ method: 'GET', path, headers: h });
            await res.body.dump();
            latencies.push(performance.now() - s);
            if (res.statusCode !== 200) failed++;
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      return { requests: paths.length, connections, failed, requestsPerSec: round(paths.length / seconds), latency: summarize(latencies) };
    };

    await run(signed(200), 4); // warm-up: JIT, caches
    log(`  anomalies: ${open} open on ${opened.ledger.size} entries; ${variants.length} query variants`);
    const sequential = await run(signed(requests), 1);
    const concurrent = await run(signed(requests), 8);
    const row = (r: typeof sequential) => ({
      figure: `GET /v1/regulator/anomalies on a ${opened.ledger.size.toLocaleString('en-US')}-entry ledger (${open.toLocaleString('en-US')} open), ${r.connections} connection${r.connections > 1 ? 's' : ''}`,
      value: `p50 ${r.latency.p50Ms} ms, p99 ${r.latency.p99Ms} ms, ${r.requestsPerSec.toLocaleString('en-US')} requests/s (${r.requests} signed requests, ${variants.length} filter variants; ${r.failed} failed)`,
      target: `≤ ${TARGET_P99_MS} ms`,
      ok: r.failed === 0 && r.latency.p99Ms <= TARGET_P99_MS,
    });
    return { size: opened.ledger.size, open, byRule, variants, sequential, concurrent, rows: [row(sequential), row(concurrent)] };
  } finally {
    await pool.close();
    server.close();
    await opened.close();
  }
};
