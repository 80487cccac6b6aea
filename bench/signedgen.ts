/**
 * A GET load generator for signed reads, run as its own process: `connections`
 * keep-alive connections send `requests` requests, taking the pre-signed
 * requests of REQUESTS_FILE (JSON [{ path, headers }]) in turn. Prints
 * { requests, connections, failed, seconds, perSec, latency, byPath }.
 *
 *   node dist/bench/signedgen.js URL REQUESTS_FILE CONNECTIONS REQUESTS
 */
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { round, summarize } from './util.js';

const [url, file, connectionsArg, requestsArg] = process.argv.slice(2);
const connections = Number(connectionsArg);
const total = Number(requestsArg);
const signed = JSON.parse(readFileSync(file, 'utf8')) as Array<{ path: string; headers: Record<string, string> }>;
const pool = new Pool(new URL(url).origin, { connections, pipelining: 1 });
const latencies: number[] = [];
const byPath = new Map<string, number[]>();
let next = 0;
let failed = 0;
const request = async (k: number): Promise<number> => {
  const { path, headers } = signed[k % signed.length];
  const start = performance.now();
  const res = await pool.request({ method: 'GET', path, headers });
  await res.body.dump();
  if (res.statusCode !== 200) failed++;
  return performance.now() - start;
};
// Warm-up: JIT and caches on both sides.
for (let i = 0; i < Math.min(200, signed.length * 20); i++) await request(i);
failed = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: connections }, async () => {
    while (next < total) {
      const k = next++;
      const ms = await request(k);
      latencies.push(ms);
      const path = signed[k % signed.length].path;
      byPath.set(path, [...(byPath.get(path) ?? []), ms]);
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
await pool.close();
console.log(
  JSON.stringify({
    requests: total,
    connections,
    failed,
    seconds: round(seconds, 2),
    perSec: round(total / seconds),
    latency: summarize(latencies),
    byPath: Object.fromEntries([...byPath].map(([p, xs]) => [p, summarize(xs)])),
  }),
);
