/**
 * Crash safety on PostgreSQL, as test/ledger/crash.test.ts on LevelDB: the same
 * child (test/fixtures/crash-child.mjs, the compiled engine) appends to a
 * database from concurrent appenders and is SIGKILLed at random moments; after
 * every kill the ledger opens on the same database, verifies, and holds every
 * entry whose append had resolved, and the chain goes on from there.
 */
import { jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Ledger, keyFromSeed, nodeSuite, verifyDatabase, writeKeyFile } from '../../../ledger/index.js';
import { describePostgres, freshDatabase } from '../../helpers/postgres.js';
import { OPERATOR, ORIGIN, REGULATOR, ROOT, registration, removeTempDirs, requireDist, tempDir } from '../support.js';

jest.setTimeout(240_000);
const KILLS = 8;
const CHILD = join(ROOT, 'test/fixtures/crash-child.mjs');

const runAndKill = (url: string, keys: { operator: string; regulator: string }, delay: number): Promise<Map<number, string>> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [CHILD, url, keys.operator, keys.regulator, ORIGIN, '8'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let ready = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (!ready && out.includes('\n')) {
        ready = true;
        setTimeout(() => child.kill('SIGKILL'), delay);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', fail);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') return fail(new Error(`the child exited by itself (code ${code}): ${err}`));
      const reported = new Map<number, string>();
      for (const line of out.split('\n').slice(1, -1)) {
        const [index, leaf] = line.split(' ');
        reported.set(Number(index), leaf);
      }
      done(reported);
    });
  });

describePostgres('a PostgreSQL ledger whose writer is killed with SIGKILL under load', () => {
  test(`after each of ${KILLS} kills, it opens, verifies and holds every acknowledged entry`, async () => {
    requireDist();
    const work = tempDir('crash-pg');
    const keys = { operator: join(work, 'operator.key'), regulator: join(work, 'regulator.key') };
    writeKeyFile(keys.operator, keyFromSeed(nodeSuite, OPERATOR.id, OPERATOR.seed));
    writeKeyFile(keys.regulator, keyFromSeed(nodeSuite, REGULATOR.id, REGULATOR.seed));
    const url = await freshDatabase();
    const genesis = { regulators: [{ id: REGULATOR.id, name: 'Test regulator', publicKey: REGULATOR.publicKey }] };
    await (await Ledger.open({ database: url, origin: ORIGIN, operator: OPERATOR, genesis })).close();
    const problems: string[] = [];
    let acknowledged = 0;
    for (let k = 0; k < KILLS; k++) {
      const reported = await runAndKill(url, keys, 100 + ((k * 137) % 400));
      acknowledged += reported.size;
      const ledger = await Ledger.open({ database: url, origin: ORIGIN, operator: OPERATOR });
      try {
        for (const [index, leaf] of reported)
          if (ledger.entry(index)?.leaf !== leaf) problems.push(`kill ${k}: acknowledged entry ${index} is missing or different`);
        for (let i = 1; i < ledger.size; i += Math.max(1, Math.floor(ledger.size / 50))) {
          const e = ledger.entry(i)!;
          if (JSON.stringify(e.event) !== JSON.stringify(registration(i, e.at)))
            problems.push(`kill ${k}: entry ${i} is not what was appended`);
        }
      } finally {
        await ledger.close();
      }
      const report = await verifyDatabase(url, { origin: ORIGIN, operatorKey: OPERATOR.publicKey, threads: 1 });
      if (!report.ok) problems.push(`kill ${k}: verify: ${JSON.stringify(report.errors.slice(0, 3))}`);
    }
    expect(problems).toEqual([]);
    expect(acknowledged).toBeGreaterThan(KILLS);
  });
  afterAll(removeTempDirs);
});
