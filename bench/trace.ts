/**
 * Issue 5: GET /v1/trace/{code} of the showcase lot (≈ 50 timeline entries, a
 * 3-level lineage: farm → fillet → retail pack) in the big ledger, served by the
 * real server process, loaded from a separate process at 64 connections.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toBase64Url } from '../ledger/index.js';
import { BENCH_ORIGIN, operatorKey } from './big-ledger.js';
import type { BenchContext } from './extra.js';
import { startServer } from './server.js';
import { runNode, tempDir } from './util.js';

const here = fileURLToPath(new URL('.', import.meta.url));

export const traceBench = async (ctx: BenchContext) => {
  const keys = tempDir('keys');
  const op = operatorKey();
  const keyFile = join(keys, 'operator.key');
  writeFileSync(keyFile, JSON.stringify({ id: op.id, publicKey: op.publicKey, secretKey: toBase64Url(op.seed) }), { mode: 0o600 });
  const server = await startServer(ctx.dir, { ANXIN_ORIGIN: BENCH_ORIGIN, ANXIN_OPERATOR_KEY: keyFile });
  try {
    const code = ctx.big.stats.showcase.pack;
    const view = await (await fetch(`${server.url}/v1/trace/${code}`)).json();
    const r = await runNode(join(here, 'getgen.js'), [server.url, `/v1/trace/${code}`, '64', '50000']);
    return {
      code,
      timelineEntries: view.timeline?.length,
      lineageDepth: depth(view.lineage?.inputs ?? []),
      ...r,
      rows: [
        {
          figure: `GET /v1/trace/{code}: ${view.timeline?.length} timeline entries, ${depth(view.lineage?.inputs ?? [])}-level lineage, 64 connections, gzip`,
          value: `${r.perSec} requests/s; p50 ${r.latency.p50Ms} ms, p99 ${r.latency.p99Ms} ms (${r.failed} failed)`,
          target: '≥ 2,000 /s, p99 ≤ 20 ms',
          ok: r.perSec >= 2000 && r.latency.p99Ms <= 20 && r.failed === 0,
        },
      ],
    };
  } finally {
    await server.stop();
    rmSync(keys, { recursive: true, force: true });
  }
};

const depth = (inputs: Array<{ inputs?: unknown[] }>): number =>
  inputs.length ? 1 + Math.max(...inputs.map((i) => depth((i.inputs ?? []) as Array<{ inputs?: unknown[] }>))) : 1;
