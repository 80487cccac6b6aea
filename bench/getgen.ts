/**
 * A GET load generator, run as its own process: `connections` keep-alive
 * connections request `path` until `requests` are done, sending
 * `Accept-Encoding: gzip` as phones do, after an unmeasured warm-up of 20 requests per
 * connection. Prints { requests, seconds, perSec, latency, bytes }.
 *
 *   node dist/bench/getgen.js URL PATH CONNECTIONS REQUESTS
 */
import { Pool } from 'undici';
import { round, summarize } from './util.js';

const [url, path, connectionsArg, requestsArg] = process.argv.slice(2);
const connections = Number(connectionsArg);
const total = Number(requestsArg);
const pool = new Pool(new URL(url).origin, { connections, pipelining: 1 });
const latencies: number[] = [];
let failed = 0;
let bytes = 0;
const request = async () => {
  const res = await pool.request({ method: 'GET', path, headers: { 'accept-encoding': 'gzip' } });
  const body = Buffer.from(await res.body.arrayBuffer());
  if (res.statusCode !== 200) failed++;
  bytes += body.length;
};
/** `n` requests over all connections; latencies recorded when `record`. */
const load = async (n: number, record: boolean) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next++ < n) {
        const start = performance.now();
        await request();
        if (record) latencies.push(performance.now() - start);
      }
    }),
  );
};
// Warm-up, not measured: the first request builds the cached view; then every
// connection is opened and the server's handlers are compiled under load.
await request();
await load(connections * 20, false);
bytes = 0;
failed = 0;
const t0 = performance.now();
await load(total, true);
const seconds = (performance.now() - t0) / 1000;
await pool.close();
console.log(
  JSON.stringify({
    path,
    connections,
    requests: total,
    failed,
    seconds: round(seconds, 2),
    perSec: round(total / seconds),
    bytesPerResponse: Math.round(bytes / total),
    latency: summarize(latencies),
  }),
);
