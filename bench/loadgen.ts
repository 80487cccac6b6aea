/**
 * The HTTP load generator, run as its own process so the server under test has
 * the machine to itself apart from this client. It pre-signs every event before
 * the clock starts (actor.register by the root regulator: valid, independent
 * events), then posts them over `connections` keep-alive connections, singly or
 * in batches, and prints { events, seconds, eventsPerSec, latency } as JSON.
 *
 *   node dist/bench/loadgen.js URL KEYFILE single|batch CONNECTIONS EVENTS [BATCH]
 */
import { Pool } from 'undici';
import { nodeSuite, randomSeed, readKeyFile, signEnvelope, keyFromSeed, type Envelope } from '../ledger/index.js';
import { summarize, round } from './util.js';

const [url, keyFile, mode, connectionsArg, eventsArg, batchArg] = process.argv.slice(2);
const connections = Number(connectionsArg);
const total = Number(eventsArg);
const batchSize = Number(batchArg ?? 100);
const regulator = readKeyFile(keyFile);
const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;

const events: string[] = [];
const pubs = Array.from({ length: 64 }, () => keyFromSeed(nodeSuite, 'x', randomSeed()).publicKey);
const make = (i: number): Envelope =>
  signEnvelope(nodeSuite, regulator.seed, {
    v: 1,
    id: `ld-${run}-${i}`,
    type: 'actor.register',
    actor: regulator.id,
    at: new Date().toISOString(),
    body: { id: `bench-${run}-${i}`, role: 'carrier', name: `冷链承运 ${i}`, publicKey: pubs[i % pubs.length] },
  });
if (mode === 'single') for (let i = 0; i < total; i++) events.push(JSON.stringify(make(i)));
else
  for (let i = 0; i < total; i += batchSize)
    events.push(JSON.stringify({ events: Array.from({ length: Math.min(batchSize, total - i) }, (_, j) => make(i + j)) }));

const origin = new URL(url);
const pool = new Pool(origin.origin, { connections, pipelining: 1 });
const path = mode === 'single' ? '/v1/events' : '/v1/events/batch';
const latencies: number[] = [];
let next = 0;
let failed = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: connections }, async () => {
    while (next < events.length) {
      const body = events[next++];
      const start = performance.now();
      const res = await pool.request({ method: 'POST', path, body, headers: { 'content-type': 'application/json' } });
      await res.body.text();
      if (res.statusCode !== 201) failed++;
      latencies.push(performance.now() - start);
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
await pool.close();
console.log(
  JSON.stringify({
    mode,
    connections,
    requests: events.length,
    events: total,
    failed,
    seconds: round(seconds, 2),
    eventsPerSec: round(total / seconds),
    latency: summarize(latencies),
  }),
);
