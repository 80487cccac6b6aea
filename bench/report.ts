/** BENCHMARKS.md from bench/results.json: each figure, its target and its ratio to the machine's limit. */
export interface Results {
  date: string;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; platform: string };
  ledgerSize: number;
  sections: Record<string, any>;
}

const pct = (x: number, limit: number) => (Number.isFinite(x) && limit ? `${Math.round((x / limit) * 100)} %` : '—');
const num = (x: unknown) => (typeof x === 'number' ? x.toLocaleString('en-US', { maximumFractionDigits: 2 }) : '—');
const met = (ok: boolean | undefined) => (ok === undefined ? '—' : ok ? 'met' : '**missed**');

export const renderMarkdown = (r: Results): string => {
  const s = r.sections;
  const limit = s.limits?.singleCorePerSec as number;
  const rows: string[][] = [];
  const row = (figure: string, value: string, ratio: string, target: string, ok?: boolean) => rows.push([figure, value, ratio, target, met(ok)]);

  if (s.limits) {
    row('(a) Ed25519 verify, node:crypto, 1 core', `${num(s.limits.singleCorePerSec)} /s`, '100 % (the limit)', '—');
    row(`(a) Ed25519 verify, all ${r.machine.cores} cores`, `${num(s.limits.allCoresPerSec)} /s`, pct(s.limits.allCoresPerSec, limit), '—');
  }
  for (const a of s.appends ?? [])
    row(
      `(b) durable appends, ${a.concurrency} appender(s)`,
      `${num(a.appendsPerSec)} /s (p50 ${num(a.latency.p50Ms)} ms, p99 ${num(a.latency.p99Ms)} ms)`,
      pct(a.appendsPerSec, limit),
      a.concurrency === 256 ? '≥ 50 %' : '—',
      a.concurrency === 256 ? a.appendsPerSec >= limit * 0.5 : undefined,
    );
  if (s.verify)
    row(
      `(c) full verification of ${num(s.verify.size)} entries (hashes, tree, checkpoints, signatures, domain rules)`,
      `${num(s.verify.entriesPerSec)} entries/s (${num(s.verify.seconds)} s, peak RSS ${num(s.verify.peakRssMb)} MB, ok: ${s.verify.ok})`,
      pct(s.verify.entriesPerSec, limit),
      '≥ 100 %',
      s.verify.entriesPerSec >= limit,
    );
  if (s.proofs)
    for (const kind of ['inclusion', 'consistency'] as const)
      for (const step of ['generate', 'verify'] as const) {
        const m = s.proofs[kind][step];
        row(`(d) ${kind} proof, ${step}, at ${num(s.proofs.size)} entries`, `mean ${num(m.meanMs)} ms, p99 ${num(m.p99Ms)} ms`, '—', '≤ 1 ms', m.p99Ms <= 1);
      }
  if (s.open) {
    row(`(e) open at ${num(s.open.size)} entries`, `${num(s.open.openMs)} ms`, '—', '≤ 1 s', s.open.openMs <= 1000);
    row('(e) peak RSS of a process that opens the ledger and serves proofs', `${num(s.open.peakRssMb)} MB`, '—', '≤ 300 MB', s.open.peakRssMb <= 300);
  }
  for (const h of s.http ?? []) {
    const single = h.mode === 'single';
    row(
      single ? `HTTP POST /v1/events, ${h.connections} connections` : `HTTP POST /v1/events/batch (${h.batch} per batch), ${h.connections} connections`,
      `${num(h.eventsPerSec)} events/s (p50 ${num(h.latency.p50Ms)} ms, p99 ${num(h.latency.p99Ms)} ms per request; ${h.failed} failed)`,
      pct(h.eventsPerSec, limit),
      single ? '≥ 25 %, p99 ≤ 50 ms' : '≥ 50 %',
      single ? h.eventsPerSec >= limit * 0.25 && h.latency.p99Ms <= 50 : h.eventsPerSec >= limit * 0.5,
    );
  }
  for (const v of Object.values(s)) if (v && Array.isArray(v.rows)) for (const x of v.rows) row(x.figure, x.value, x.ratio ?? '—', x.target ?? '—', x.ok);

  const b = s.build;
  return `# Benchmarks

Measured by \`npm run bench\` on ${r.date.slice(0, 10)}: ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.memoryGiB} GiB, Node.js ${r.machine.node}, ${r.machine.platform}.
Ratios are to the machine's own Ed25519 verification rate on one core, measured in the same run (a).
Raw figures: [bench/results.json](bench/results.json).
${r.ledgerSize !== 1_000_000 ? `\n**This run used a ${num(r.ledgerSize)}-entry ledger, not the 1,000,000 of the targets.**\n` : ''}
| figure | measured | of the 1-core limit | target | |
|---|---|---|---|---|
${rows.map((x) => `| ${x.join(' | ')} |`).join('\n')}
${
  b
    ? `\nThe big ledger: ${num(b.size)} entries of the realistic workload (bench/workload.ts: 200 merchants of every custody tier, prepaid cards with co-signed consumption, custody deposits and releases, complaints; cold-chain journeys of 大陈岛 large yellow croaker with temperature readings, transformations and retail sales), appended through the service's admission in batches of 500 at ${num(b.entriesPerSec)} entries/s (build process peak RSS ${num(b.peakRssMb)} MB).\n`
    : ''
}
How each figure is taken: bench/*.ts. (b) appenders verify each event's signature on worker threads and count an append once its group commit (fsync) returns. HTTP figures come from a separate load-generating process (bench/loadgen.ts, undici) on loopback against the real server (dist/src/server.js); it shares the machine's ${r.machine.cores} cores with the server.
`;
};
