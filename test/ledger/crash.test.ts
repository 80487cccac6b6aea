/**
 * Crash safety: a child process (test/fixtures/crash-child.mjs, the compiled
 * engine) appends in a loop from several concurrent appenders and reports each
 * resolved receipt; the parent SIGKILLs it at random moments, many times. After
 * every kill the ledger opens, verifies, and holds every entry whose append had
 * resolved, with the content the child appended, no gap, no partial entry and
 * no state written without its entries.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { keyFromSeed, nodeSuite, verifyDataDir, writeKeyFile, type Ledger } from '../../ledger/index.js';
import { OPERATOR, ORIGIN, REGULATOR, ROOT, openLedger, registration, removeTempDirs, requireDist, tempDir } from './support.js';

const KILLS = 20;
const APPENDERS = 8;
const CHILD = join(ROOT, 'test/fixtures/crash-child.mjs');
const SEED = Number(process.env.ANXIN_CRASH_SEED ?? Date.now() % 1e9);

/** mulberry32: reproducible kill moments (set ANXIN_CRASH_SEED to replay a run). */
const random = (() => {
  let a = SEED;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
})();

interface Run {
  /** Receipts the child printed in full before it died: index → leaf. */
  reported: Map<number, string>;
}

/** Starts the child, kills it with SIGKILL `delay` ms after it is ready (or after spawn, if `early`), collects its output. */
const runAndKill = (dir: string, keys: { operator: string; regulator: string }, delay: number, early: boolean): Promise<Run> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [CHILD, dir, keys.operator, keys.regulator, ORIGIN, String(APPENDERS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let ready = false;
    const kill = () => void setTimeout(() => child.kill('SIGKILL'), delay);
    if (early) kill();
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (!ready && out.includes('\n')) {
        ready = true;
        if (!early) kill();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', fail);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') return fail(new Error(`the child exited by itself (code ${code}): ${err}`));
      const lines = out.split('\n').slice(0, -1); // the last piece may be a line cut short by the kill
      const reported = new Map<number, string>();
      for (const line of lines.slice(1)) {
        const [index, leaf] = line.split(' ');
        reported.set(Number(index), leaf);
      }
      done({ reported });
    });
  });

/** What must hold after a kill; returns the problems found. `from` entries were checked after earlier kills. */
const check = async (ledger: Ledger, run: Run, from: number): Promise<string[]> => {
  const problems: string[] = [];
  const size = ledger.size;
  for (const [index, leaf] of run.reported) {
    if (index >= size) problems.push(`entry ${index} was reported durable but the ledger has ${size} entries`);
    else if (ledger.entry(index)?.leaf !== leaf) problems.push(`entry ${index} is not the one reported`);
  }
  for (let i = from; i < size; i++) {
    const e = ledger.entry(i);
    if (!e) problems.push(`entry ${i} is missing below size ${size}`);
    else if (JSON.stringify(e.event) !== JSON.stringify(registration(i, e.at))) problems.push(`entry ${i} is not what the child appended`);
  }
  for (let k = 0; k < APPENDERS; k++) {
    const last = ledger.get<{ first: number; count: number }>(`appender/${k}`);
    if (last && last.first + last.count > size) problems.push(`state of appender ${k} names entries past size ${size}`);
    if (last && ledger.entry(last.first + last.count - 1)?.event.id !== registration(last.first + last.count - 1, '').id)
      problems.push(`state of appender ${k} does not match its entries`);
  }
  return problems;
};

describe('a ledger whose writer is killed with SIGKILL at random moments', () => {
  let dir: string;
  const keys = { operator: '', regulator: '' };

  beforeAll(async () => {
    requireDist();
    const work = tempDir('crash');
    dir = join(work, 'data');
    keys.operator = join(work, 'operator.key');
    keys.regulator = join(work, 'regulator.key');
    writeKeyFile(keys.operator, keyFromSeed(nodeSuite, OPERATOR.id, OPERATOR.seed));
    writeKeyFile(keys.regulator, keyFromSeed(nodeSuite, REGULATOR.id, REGULATOR.seed));
    await (await openLedger(dir)).close(); // genesis, by the parent
  });
  afterAll(removeTempDirs);

  test(`after each of ${KILLS} kills, opens, verifies and holds every entry whose append had resolved (seed ${SEED})`, async () => {
    const problems: string[] = [];
    let checked = 1;
    let reported = 0;
    let killedWhileAppending = 0;
    for (let k = 0; k < KILLS; k++) {
      const early = k % 5 === 4; // now and then, kill it while it starts up and opens the ledger
      const run = await runAndKill(dir, keys, Math.floor(random() * (early ? 150 : 250)), early);
      reported += run.reported.size;
      if (run.reported.size) killedWhileAppending++;
      const ledger = await openLedger(dir, { create: false }).catch((e: Error) => e);
      if (ledger instanceof Error) {
        problems.push(`kill ${k}: Ledger.open failed: ${ledger.message}`);
        break;
      }
      problems.push(...(await check(ledger, run, checked)).map((p) => `kill ${k}: ${p}`));
      checked = ledger.size;
      await ledger.close();
      const report = await verifyDataDir(dir, { origin: ORIGIN, operatorKey: OPERATOR.publicKey, threads: 1 });
      if (!report.ok || report.size !== checked)
        problems.push(`kill ${k}: verify: ${JSON.stringify(report.errors.slice(0, 3))}, size ${report.size}`);
    }
    expect(problems).toEqual([]);
    // The run exercised what it claims to: appends were in flight when most kills landed, and commits were grouped.
    expect(killedWhileAppending).toBeGreaterThanOrEqual(KILLS / 2);
    expect(reported).toBeGreaterThan(KILLS);
    const ledger = await openLedger(dir, { create: false });
    const checkpoints = Array.from({ length: ledger.size }, (_, i) => ledger.checkpointAt(i + 1)).filter(Boolean).length;
    await ledger.close();
    expect(checkpoints).toBeLessThan(ledger.size / 2);
  }, 120_000);
});
