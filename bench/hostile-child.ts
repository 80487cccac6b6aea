/**
 * (hostile) The probes of issue 11 against the real server (dist/src/server.js)
 * in a process of its own, timed from this one (run by bench/hostile.ts with its
 * open-file limit raised):
 *
 *  - brotli bombs (2.8 million empty objects in a few dozen bytes; refused
 *    unread), the same flood as a gzip bomb (decoded until the ratio cap) to
 *    POST /v1/events/batch, and a Signature-Input of 15,500 spaces, each in
 *    bursts of 10 and 100 in parallel: latency per request, /healthz latency
 *    meanwhile, and the server's RSS before, at its peak during, and after;
 *  - N idle connections held open (ANXIN_MAX_CONNECTIONS a little above N): time
 *    to open them, /healthz latency and RSS while they are open, and how many of
 *    100 connections beyond the cap are closed unanswered.
 *
 *   node dist/bench/hostile-child.js CONNECTIONS ROUNDS
 */
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { startServer } from './server.js';
import { round, summarize, tempDir } from './util.js';

const connections = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 5);
const SLACK = 20;
const EXCESS = 100;

const dir = tempDir('hostile');
const server = await startServer(
  dir,
  {
    ANXIN_MAX_CONNECTIONS: String(connections + SLACK),
    ANXIN_HEADERS_TIMEOUT_MS: '120000',
    ANXIN_REQUEST_TIMEOUT_MS: '240000',
  },
  Math.max(65_536, connections + 1_000),
);
const url = new URL(server.url);
const host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname;
const port = Number(url.port);

/** The server's resident set size now, in MB (Linux /proc). */
const rssMb = (): number => {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'));
  return m ? round(Number(m[1]) / 1024) : NaN;
};

/** CPU milliseconds the server process has used so far, all threads (Linux /proc: utime + stime). */
const cpuMs = (): number => {
  const stat = readFileSync(`/proc/${server.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

/** Samples the server's RSS every 10 ms until stopped; resolves with the highest. */
const watchRss = () => {
  let peak = rssMb();
  const timer = setInterval(() => (peak = Math.max(peak, rssMb())), 10);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rssMb());
  };
};

/** One request on a fresh connection; resolves with its status and milliseconds to the end of the answer. */
const timed = (method: string, path: string, headers: Record<string, string> = {}, body?: Buffer) =>
  new Promise<{ status: number; ms: number }>((resolve) => {
    const t0 = performance.now();
    const req = request({ host, port, method, path, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, ms: performance.now() - t0 }));
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
    req.end(body);
  });

/** /healthz, one after another, until stopped; resolves with the latencies. */
const pollHealth = () => {
  const samples: number[] = [];
  const failed: number[] = [];
  let on = true;
  const loop = (async () => {
    while (on) {
      const r = await timed('GET', '/healthz');
      (r.status === 200 ? samples : failed).push(r.ms);
      await new Promise((res) => setTimeout(res, 5));
    }
  })();
  return async () => {
    on = false;
    await loop;
    return { ...summarize(samples), failed: failed.length };
  };
};

const flood = Buffer.from(`{"events":[${'{},'.repeat(2_800_000 - 1)}{}]}`);
// The 33-byte brotli bomb (quality 11, the largest standard window, 16 MiB) and the same with the
// encoders' default window (4 MiB): brotli request bodies are refused unread. The same flood gzip-compressed
// is decoded until the ratio cap cuts it.
const brotli = (lgwin: number) =>
  brotliCompressSync(flood, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: lgwin } });
const bomb = brotli(24);
const bomb22 = brotli(22);
const gzipBomb = gzipSync(flood, { level: 9 });
const BR = { 'content-type': 'application/json', 'content-encoding': 'br' };
const GZIP = { 'content-type': 'application/json', 'content-encoding': 'gzip' };
const probes = {
  brotliBomb: { expect: 400, send: () => timed('POST', '/v1/events/batch', BR, bomb) },
  brotliBomb22: { expect: 400, send: () => timed('POST', '/v1/events/batch', BR, bomb22) },
  gzipBomb: { expect: 413, send: () => timed('POST', '/v1/events/batch', GZIP, gzipBomb) },
  signatureInput: {
    expect: 400,
    send: () => timed('GET', '/v1/entries?limit=1', { 'signature-input': `sig1=a${' '.repeat(15_500)}x`, signature: 'sig1=:AA==:' }),
  },
};

const settle = () => new Promise((r) => setTimeout(r, 1000));
const attacks: Record<string, unknown> = {};
for (const [name, probe] of Object.entries(probes))
  for (const burst of [10, 100]) {
    await settle();
    const before = rssMb();
    const peak = watchRss();
    const health = pollHealth();
    const samples: number[] = [];
    let unexpected = 0;
    const cpu0 = cpuMs();
    for (let r = 0; r < rounds; r++)
      for (const res of await Promise.all(Array.from({ length: burst }, probe.send))) {
        samples.push(res.ms);
        if (res.status !== probe.expect) unexpected++;
      }
    const cpu = cpuMs() - cpu0;
    const healthz = await health();
    const during = peak();
    await settle();
    attacks[`${name}x${burst}`] = {
      burst,
      requests: samples.length,
      expected: probe.expect,
      unexpected,
      latency: summarize(samples),
      // Includes the /healthz polls meanwhile (a few per burst): an upper bound per probe request.
      serverCpuMsPerRequest: round(cpu / samples.length, 2),
      healthz,
      rssMb: { before, peakDuring: during, after: rssMb() },
    };
  }

// Idle connections held open.
await settle();
const rssBefore = rssMb();
const idle: Socket[] = [];
const t0 = performance.now();
let opened = 0;
let failedToOpen = 0;
await Promise.all(
  Array.from({ length: 256 }, async () => {
    while (opened + failedToOpen < connections) {
      opened++;
      const ok = await new Promise<boolean>((resolve) => {
        const sock = connect(port, host, () => resolve(true));
        sock.once('error', () => resolve(false));
        idle.push(sock);
      });
      if (!ok) {
        opened--;
        failedToOpen++;
      }
    }
  }),
);
const openMs = performance.now() - t0;
const health = pollHealth();
await new Promise((r) => setTimeout(r, 2000));
const healthzWhileOpen = await health();
const rssWhileOpen = rssMb();
// Beyond the cap: EXCESS more idle connections; the server closes all but SLACK of them at once.
const beyondSockets: Socket[] = [];
const beyondClosed = () => beyondSockets.filter((b) => b.destroyed).length;
await Promise.all(
  Array.from(
    { length: EXCESS },
    () =>
      new Promise<void>((resolve) => {
        const sock = connect(port, host, () => resolve());
        sock.on('error', () => resolve());
        sock.on('close', () => resolve());
        beyondSockets.push(sock);
      }),
  ),
);
await new Promise((r) => setTimeout(r, 1000));
const beyond = beyondClosed();
for (const b of beyondSockets) b.destroy();
const droppedByServer = idle.filter((s) => s.destroyed).length;
for (const s of idle) s.destroy();
await settle();
const many = {
  connections,
  opened,
  failedToOpen,
  droppedByServer,
  openMs: round(openMs),
  healthzWhileOpen,
  rssMb: { before: rssBefore, whileOpen: rssWhileOpen, after: rssMb() },
  beyondCap: { tried: EXCESS, slack: SLACK, closedUnanswered: beyond },
};

await server.stop();
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    bombBytes: bomb.length,
    bomb22Bytes: bomb22.length,
    gzipBombBytes: gzipBomb.length,
    decodedBytes: flood.length,
    rounds,
    attacks,
    connections: many,
  }),
);
