/**
 * Witness cosigning latency (issue 13 item 5): the service with a policy naming
 * one rule-replaying witness (`anxin witness`, in a process of its own as an
 * independent witness runs, over HTTP on loopback, reading the log through /tlog). The witness first catches up
 * with the whole big ledger (timed: its replay rate), then 10,000 workload
 * entries are appended at the benchmark's ingest load; for every checkpoint
 * signed meanwhile, the latency is the time from its signing until the service
 * holds a cosigned checkpoint at least that large. Target: p99 ≤ 2 s.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { generateKey, nodeSuite, parsePolicy } from '../ledger/index.js';
import { logVkey, tlogService } from '../src/tlog/service.js';
import { WitnessSubmitter } from '../src/tlog/witnessing.js';
import type { BenchContext } from './extra.js';
import { log, round, summarize } from './util.js';

export const NEW_ENTRIES = 10_000;
export const TARGET_P99_MS = 2000;

export const witnessBench = async (ctx: BenchContext, newEntries = NEW_ENTRIES) => {
  const opened = await ctx.big.open();
  const dir = mkdtempSync(join(tmpdir(), 'anxin-bench-witness-'));
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const { ledger } = opened;
    const vkey = logVkey(ledger.origin, ledger.operatorKey);
    // The log's /tlog, served from the open ledger.
    // Assigned once below, but read earlier by the tlog service's closure.
    // eslint-disable-next-line prefer-const
    let submitter: WitnessSubmitter | undefined;
    const tlog = tlogService(ledger, { cosigned: () => submitter?.cosigned(), view: () => submitter?.view() });
    const server = createServer((req, res) => {
      if (!tlog.handle(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => server.close(r)));
    const tiles = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tlog`;

    // `anxin witness` in its own process: the first line it prints names its URL and vkey.
    writeFileSync(join(dir, 'witness.key'), JSON.stringify(generateKey('witness.bench.anxin')), { mode: 0o600 });
    writeFileSync(join(dir, 'policy'), `log ${vkey} ${tiles}\nquorum none\n`);
    const cli = fileURLToPath(new URL('../scripts/anxin.js', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        cli,
        'witness',
        '--key',
        join(dir, 'witness.key'),
        '--data',
        join(dir, 'state'),
        '--listen',
        '127.0.0.1:0',
        '--policy',
        join(dir, 'policy'),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    closers.unshift(async () => {
      if (child.exitCode === null) await Promise.all([once(child, 'exit'), child.kill('SIGTERM')]);
    });
    const lines = createInterface({ input: child.stdout! });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      lines.once('close', () => reject(new Error(`anxin witness exited (${child.exitCode}) before it printed its address`)));
    });
    const w = JSON.parse(first) as { url: string; vkey: string };
    const wVkey = w.vkey;
    const policy = parsePolicy(nodeSuite, `log ${vkey}\nwitness w ${wVkey} ${w.url}\nquorum w\n`);

    const t0 = performance.now();
    submitter = new WitnessSubmitter(ledger, policy, { pollMs: 5, timeoutMs: 3_600_000 }).start();
    closers.unshift(() => submitter!.stop());
    while (submitter.cosigned()?.size !== ledger.size) await new Promise((r) => setTimeout(r, 50));
    const catchUp = (performance.now() - t0) / 1000;
    log(`  witness: caught up with ${ledger.size} entries in ${round(catchUp, 1)} s`);

    // A checkpoint is signed when its group commits (the ledger's write observer; `latest` moves right
    // after the hook returns); it is cosigned when the submitter holds a cosigned checkpoint at least as large.
    const signedAt = new Map<number, number>();
    const latencies: number[] = [];
    const observer = ledger.observer;
    ledger.observer = {
      ...observer,
      committed: (n, s) => {
        observer.committed?.(n, s);
        const t = performance.now();
        queueMicrotask(() => signedAt.set(ledger.checkpoint.size, t));
      },
    };
    let sampling = true;
    const sampler = (async () => {
      while (sampling || [...signedAt.keys()].some((s) => s > (submitter!.cosigned()?.size ?? 0))) {
        const cosigned = submitter!.cosigned()?.size ?? 0;
        for (const [size, t] of signedAt)
          if (size <= cosigned) {
            latencies.push(performance.now() - t);
            signedAt.delete(size);
          }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const a0 = performance.now();
    await ctx.big.append(opened, newEntries);
    const appendSeconds = (performance.now() - a0) / 1000;
    sampling = false;
    await sampler;
    ledger.observer = observer;
    const s = summarize(latencies);
    return {
      size: ledger.size,
      catchUp: { seconds: round(catchUp, 1), entriesPerSec: round((ledger.size - newEntries) / catchUp) },
      ingest: { entries: newEntries, seconds: round(appendSeconds, 2) },
      latencyMs: s,
      rows: [
        {
          figure: `witness cosigning latency behind the log (rule-replaying witness, ${newEntries.toLocaleString('en-US')} entries appended at the benchmark ingest load)`,
          value: `p50 ${round(s.p50Ms)} ms, p99 ${round(s.p99Ms)} ms over ${latencies.length} checkpoints (catch-up replay of the big ledger: ${round(catchUp, 1)} s)`,
          target: `p99 ≤ ${TARGET_P99_MS} ms`,
          ok: s.p99Ms <= TARGET_P99_MS,
        },
      ],
    };
  } finally {
    for (const close of closers) await close();
    await opened.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
