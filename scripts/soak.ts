/**
 * `npm run soak`: the hostile probes of test/hostile/ for minutes instead of
 * seconds, against a real listening server on a temporary data directory —
 * backtracking-bait Signature-Input headers, 1 KB unknown ids, forged batches,
 * and valid appends — reporting memory, /healthz latency, rejections by code,
 * and verifying the ledger at the end. Exit 1 when the ledger does not verify or
 * a valid append was refused.
 *
 *   ANXIN_SOAK_S=300 npm run soak      (default 60 s)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeSuite, readKeyFile, signEnvelope, verifyDataDir } from '../ledger/index.js';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';

const seconds = Number(process.env.ANXIN_SOAK_S ?? 60);
const dir = mkdtempSync(join(tmpdir(), 'anxin-soak-'));
const running = await startServer(loadConfig({ ANXIN_DATA: dir, PORT: '0' }));
const addr = running.server.address();
const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
const regulator = readKeyFile(join(dir, 'regulator.key'));
const codes = new Map<string, number>();
let appended = 0;
let refused = 0;
let seq = 0;
const healthMs: number[] = [];
const end = Date.now() + seconds * 1000;

const event = (sig?: string) => {
  const n = seq++;
  const e = signEnvelope(nodeSuite, regulator.seed, {
    v: 1,
    id: `soak-${n}`.padEnd(8, '0'),
    type: 'actor.register',
    actor: regulator.id,
    at: new Date().toISOString(),
    body: { id: `soak-${n}`, role: 'producer', name: `Soak ${n}`, publicKey: regulator.publicKey },
  });
  return sig ? { ...e, sig } : e;
};
const count = async (res: Response) => {
  if (res.status >= 400) {
    const code = ((await res.json().catch(() => ({}))) as { code?: string }).code ?? String(res.status);
    codes.set(code, (codes.get(code) ?? 0) + 1);
  } else await res.arrayBuffer();
  return res.status;
};
const post = (path: string, body: unknown) =>
  fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const probes: Array<() => Promise<unknown>> = [
  () =>
    fetch(`${url}/v1/entries?limit=1`, { headers: { 'signature-input': `sig1=a${' '.repeat(15_500)}x`, signature: 'sig1=:AA==:' } }).then(
      count,
    ),
  () => fetch(`${url}/v1/actors/${'a'.repeat(1000)}${seq++}`).then(count),
  () => post('/v1/events/batch', { events: Array.from({ length: 1000 }, () => event('A'.repeat(86))) }).then(count),
  async () => ((await count(await post('/v1/events', event()))) === 201 ? appended++ : refused++),
  async () => {
    const t = performance.now();
    await count(await fetch(`${url}/healthz`));
    healthMs.push(performance.now() - t);
  },
];

const rss0 = process.memoryUsage().rss;
await Promise.all(
  Array.from({ length: 8 }, async (_, w) => {
    for (let i = w; Date.now() < end; i++) await probes[i % probes.length]().catch(() => undefined);
  }),
);
const rss1 = process.memoryUsage().rss;
await running.close();
const operator = readKeyFile(join(dir, 'operator.key'));
const report = await verifyDataDir(dir, { origin: running.config.origin, operatorKey: operator.publicKey });
rmSync(dir, { recursive: true, force: true });
healthMs.sort((a, b) => a - b);
console.log(
  JSON.stringify(
    {
      seconds,
      appended,
      refused,
      rejections: Object.fromEntries(codes),
      rssMiB: { start: Math.round(rss0 / 2 ** 20), end: Math.round(rss1 / 2 ** 20) },
      healthzMs: { p50: healthMs[Math.floor(healthMs.length / 2)], p99: healthMs[Math.floor(healthMs.length * 0.99)] },
      verified: report.ok,
    },
    null,
    2,
  ),
);
process.exitCode = report.ok && refused === 0 ? 0 : 1;
