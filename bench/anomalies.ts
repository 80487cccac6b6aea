/**
 * The anomalies query (SPEC §8 GET /v1/regulator/anomalies) on the big
 * ledger: the real Express app over the opened ledger (its clock is the
 * ledger's, as the server's would be), on a loopback listener, asked by the root
 * regulator with RFC 9421-signed requests from a separate load-generating
 * process (bench/signedgen.ts) in a round of filter variants: none, severity,
 * rule, rule + severity, subject, since, and the second page by cursor. The
 * server verifies every signature. Target p99 ≤ 20 ms, with 1 connection
 * (latency) and with 8 (throughput, queueing included).
 */
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeSuite, signRequest } from '../ledger/index.js';
import { buildApp } from '../src/app.js';
import type { Config } from '../src/config.js';
import { BENCH_ORIGIN, regulatorKey } from './big-ledger.js';
import type { BenchContext } from './extra.js';
import { pino } from 'pino';
import { log, runNode, tempDir } from './util.js';

export const REQUESTS = 2000;
export const TARGET_P99_MS = 20;
const PATH = '/v1/regulator/anomalies';
const here = fileURLToPath(new URL('.', import.meta.url));

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
  const app = buildApp({ ledger: opened.ledger, config, now: opened.now, logger: pino({ level: 'error' }) });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (path: string) => ({
    path,
    headers: signRequest(nodeSuite, regulator, { method: 'GET', target: path }, Math.floor(opened.now() / 1000)),
  });
  const get = async (path: string): Promise<Page> => {
    const { headers } = sign(path);
    const res = await fetch(url + path, { headers });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Page;
  };
  const tmp = tempDir('anomalies');
  try {
    // Census (untimed): every open anomaly by rule and severity, in pages of 1000.
    const byRule: Record<string, number> = {};
    let open = 0;
    for (let path: string | null = `${PATH}?limit=1000`; path;) {
      const page = await get(path);
      for (const a of page.anomalies) byRule[`${a.rule}/${a.severity}`] = (byRule[`${a.rule}/${a.severity}`] ?? 0) + 1;
      open += page.anomalies.length;
      path = page.next;
    }
    const first = await get(PATH);
    const newest = first.anomalies[0];
    const variants = [
      PATH,
      `${PATH}?severity=red`,
      `${PATH}?rule=custody-short`,
      `${PATH}?rule=temp-excursion&severity=yellow`,
      ...(newest ? [`${PATH}?subject=${encodeURIComponent(newest.subject)}`] : []),
      `${PATH}?since=${new Date(opened.now() - 24 * 3600 * 1000).toISOString()}&limit=50`,
      ...(first.next ? [first.next] : []),
    ];
    const file = join(tmp, 'requests.json');
    writeFileSync(file, JSON.stringify(variants.map(sign)));
    log(`  anomalies: ${open} open on ${opened.ledger.size} entries; ${variants.length} query variants`);
    const runs = [];
    for (const connections of [1, 8])
      runs.push(await runNode(join(here, 'signedgen.js'), [url, file, String(connections), String(requests)]));
    const rows = runs.map((r) => ({
      figure: `GET /v1/regulator/anomalies on a ${opened.ledger.size.toLocaleString('en-US')}-entry ledger (${open.toLocaleString('en-US')} open), ${r.connections} connection${r.connections > 1 ? 's' : ''}, ${variants.length} filter variants`,
      value: `p50 ${r.latency.p50Ms} ms, p99 ${r.latency.p99Ms} ms, ${r.perSec.toLocaleString('en-US')} requests/s (${r.requests} signed requests; ${r.failed} failed)`,
      target: `≤ ${TARGET_P99_MS} ms`,
      ok: r.failed === 0 && r.latency.p99Ms <= TARGET_P99_MS,
    }));
    return { size: opened.ledger.size, open, byRule, variants, runs, rows };
  } finally {
    server.closeAllConnections();
    server.close();
    await opened.close();
    rmSync(tmp, { recursive: true, force: true });
  }
};
