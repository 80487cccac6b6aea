/**
 * The HTTP load generator, run as its own process so the server under test has
 * the machine to itself apart from this client. It pre-signs every event before
 * the clock starts (actor.register by the root regulator: valid, independent
 * events), then posts them over `connections` keep-alive connections, singly or
 * in batches, and prints { events, seconds, eventsPerSec, latency } as JSON.
 *
 * It speaks HTTP/1.1 on plain sockets, each request written as one buffer built
 * before the clock starts and each answer read only as far as its status and
 * Content-Length (as wrk does): on a 2-core machine a general-purpose client
 * (undici) spent a third as much CPU per request as the server it measured, and
 * that CPU was taken from the server. Every answer must be 201.
 *
 * The first WARMUP events (default 1,000; a run of fewer uses a twentieth) are
 * posted before the clock starts: the server's code is compiled and its caches
 * are filled on them. Their latencies are reported apart (`warmup`), never mixed
 * into the measured ones. Each measured latency runs from the request's first
 * byte written to its answer's last byte read.
 *
 *   node dist/bench/loadgen.js URL KEYFILE single|batch CONNECTIONS EVENTS [BATCH] [WARMUP]
 */
import { connect, type Socket } from 'node:net';
import { nodeSuite, randomSeed, readKeyFile, signEnvelope, keyFromSeed, type Envelope } from '../ledger/index.js';
import { summarize, round } from './util.js';

const [url, keyFile, mode, connectionsArg, eventsArg, batchArg, warmupArg] = process.argv.slice(2);
const connections = Number(connectionsArg);
const total = Number(eventsArg);
const batchSize = mode === 'single' ? 1 : Number(batchArg ?? 100);
const warmupEvents = Math.min(Number(warmupArg ?? 1000), Math.floor(total / 20));
const regulator = readKeyFile(keyFile);
const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const origin = new URL(url);
const path = mode === 'single' ? '/v1/events' : '/v1/events/batch';

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
const request = (body: string): Buffer => {
  const bytes = Buffer.from(body);
  const head = `POST ${path} HTTP/1.1\r\nHost: ${origin.host}\r\nContent-Type: application/json\r\nContent-Length: ${bytes.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), bytes]);
};
/** Requests for events [from, to), each of batchSize events (the last may hold fewer). */
const requests = (from: number, to: number): Buffer[] => {
  const out: Buffer[] = [];
  for (let i = from; i < to; i += batchSize) {
    const n = Math.min(batchSize, to - i);
    out.push(
      request(mode === 'single' ? JSON.stringify(make(i)) : JSON.stringify({ events: Array.from({ length: n }, (_, j) => make(i + j)) })),
    );
  }
  return out;
};

const CRLFCRLF = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

/** One keep-alive connection that sends a request, reads its whole answer, and returns the status. */
class Connection {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve(status: number): void; reject(e: Error): void } | undefined;
  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    const fail = (e: Error) => this.waiting?.reject(e);
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the server closed the connection')));
  }
  static open(): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: origin.hostname, port: Number(origin.port), noDelay: true }, () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }
  send(bytes: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(bytes);
    });
  }
  private onData(d: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, d]) : d;
    const end = this.buffered.indexOf(CRLFCRLF);
    if (end < 0) return;
    const head = this.buffered.toString('latin1', 0, end);
    const length = Number(CONTENT_LENGTH.exec(head)?.[1] ?? NaN);
    if (!Number.isFinite(length)) return this.waiting?.reject(new Error(`an answer without Content-Length: ${head.slice(0, 200)}`));
    if (this.buffered.length < end + 4 + length) return;
    if (this.buffered.length > end + 4 + length) return this.waiting?.reject(new Error('an answer came that was not asked for'));
    this.buffered = Buffer.alloc(0);
    const waiting = this.waiting!;
    this.waiting = undefined;
    waiting.resolve(Number(head.slice(9, 12)));
  }
  close(): void {
    this.socket.destroy();
  }
}

const pool = await Promise.all(Array.from({ length: connections }, () => Connection.open()));

/** Posts every request over the pool; returns each one's latency (ms) and the number not answered 201. */
const post = async (bodies: Buffer[]): Promise<{ latencies: number[]; failed: number }> => {
  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  await Promise.all(
    pool.map(async (c) => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const start = performance.now();
        const status = await c.send(body);
        latencies.push(performance.now() - start);
        if (status !== 201) failed++;
      }
    }),
  );
  return { latencies, failed };
};

const warm = await post(requests(0, warmupEvents));
const measured = requests(warmupEvents, total);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const { latencies, failed } = await post(measured);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const events = total - warmupEvents;
pool.forEach((c) => c.close());
console.log(
  JSON.stringify({
    mode,
    connections,
    requests: measured.length,
    events,
    failed: failed + warm.failed,
    seconds: round(seconds, 2),
    eventsPerSec: round(events / seconds),
    latency: summarize(latencies),
    warmup: { events: warmupEvents, latency: summarize(warm.latencies) },
    // This client's own CPU per event while posting (signing was done before the clock started).
    clientCpuUsPerEvent: round((cpu.user + cpu.system) / events),
  }),
);
