/**
 * (hostile) Hostile input against the real server: the compression bomb and the
 * long Signature-Input of issue 11 in bursts, and many idle connections
 * (bench/hostile-child.ts, run in a process whose open-file limit is raised for
 * the connections). Targets: each refusal well under 100 ms (p99 ≤ 100 ms),
 * /healthz p99 ≤ 100 ms meanwhile, the server's RSS flat (peak ≤ 64 MB above
 * where it started).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { raiseOpenFiles } from './server.js';
import { log } from './util.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const FLAT_MB = 64;
const BOUND_MS = 100;

const runChild = (connections: number, rounds: number): Promise<any> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      'sh',
      [
        '-c',
        `${raiseOpenFiles(Math.max(65_536, connections + 1_000))} exec "$0" "$@"`,
        process.execPath,
        join(here, 'hostile-child.js'),
        String(connections),
        String(rounds),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`hostile-child.js exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!));
      } catch (e) {
        reject(e);
      }
    });
  });

const n = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 1 });

/** `connections` idle connections to hold open; `rounds` bursts of each size per probe. */
export const measureHostile = async ({ connections = 10_000, rounds = 5 } = {}) => {
  const r = await runChild(connections, rounds);
  const rows: Array<{ figure: string; value: string; target: string; ok: boolean }> = [];
  const what: Record<string, string> = {
    brotliBomb: `${r.bombBytes}-byte brotli bomb (16 MiB window, ${n(r.decodedBytes / 2 ** 20)} MiB decoded) to POST /v1/events/batch`,
    brotliBomb22: `${r.bomb22Bytes}-byte brotli bomb (4 MiB window, the default) to POST /v1/events/batch`,
    gzipBomb: `${n(r.gzipBombBytes)}-byte gzip bomb (the same ${n(r.decodedBytes / 2 ** 20)} MiB) to POST /v1/events/batch`,
    signatureInput: 'Signature-Input of 15,500 spaces to GET /v1/entries',
  };
  for (const [key, a] of Object.entries<any>(r.attacks)) {
    const name = key.replace(/x\d+$/, '');
    rows.push({
      figure: `(hostile) ${what[name]}, ${a.burst} in parallel × ${r.rounds}`,
      value: `p50 ${n(a.latency.p50Ms)} ms, p99 ${n(a.latency.p99Ms)} ms per request; server CPU ${n(a.serverCpuMsPerRequest)} ms per request (${a.requests - a.unexpected}/${a.requests} answered ${a.expected})`,
      target: `p99 ≤ ${BOUND_MS} ms, each ${a.expected}`,
      ok: a.latency.p99Ms <= BOUND_MS && a.unexpected === 0,
    });
    rows.push({
      figure: `(hostile) … meanwhile: /healthz, and the server's RSS before / peak / after`,
      value: `/healthz p50 ${n(a.healthz.p50Ms)} ms, p99 ${n(a.healthz.p99Ms)} ms (${a.healthz.failed} failed); RSS ${n(a.rssMb.before)} / ${n(a.rssMb.peakDuring)} / ${n(a.rssMb.after)} MB`,
      target: `/healthz p99 ≤ ${BOUND_MS} ms; RSS flat (peak ≤ +${FLAT_MB} MB)`,
      ok: a.healthz.p99Ms <= BOUND_MS && a.healthz.failed === 0 && a.rssMb.peakDuring - a.rssMb.before <= FLAT_MB,
    });
  }
  const c = r.connections;
  rows.push({
    figure: `(hostile) ${n(c.connections)} idle connections on loopback: time to open; /healthz while open`,
    value: `${n(c.opened)} open in ${n(c.openMs)} ms (${c.failedToOpen} failed, ${c.droppedByServer} dropped); /healthz p50 ${n(c.healthzWhileOpen.p50Ms)} ms, p99 ${n(c.healthzWhileOpen.p99Ms)} ms (${c.healthzWhileOpen.failed} failed)`,
    target: `all open; /healthz p99 ≤ ${BOUND_MS} ms`,
    ok: c.opened === c.connections && c.droppedByServer === 0 && c.healthzWhileOpen.p99Ms <= BOUND_MS && c.healthzWhileOpen.failed === 0,
  });
  rows.push({
    figure: `(hostile) … the server's RSS before / while open / after; connections beyond the cap`,
    value: `${n(c.rssMb.before)} / ${n(c.rssMb.whileOpen)} / ${n(c.rssMb.after)} MB; ${c.beyondCap.closedUnanswered} of ${c.beyondCap.tried} beyond the cap closed unanswered`,
    target: `≥ ${c.beyondCap.tried - c.beyondCap.slack} of ${c.beyondCap.tried} closed`,
    ok: c.beyondCap.closedUnanswered >= c.beyondCap.tried - c.beyondCap.slack,
  });
  const section = { ...r, rows };
  log('(hostile)', JSON.stringify(r));
  return section;
};
