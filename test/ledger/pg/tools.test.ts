/**
 * The tools on PostgreSQL: `anxin migrate` copies a LevelDB ledger into an empty
 * database and verifies the copy (and refuses a database that is not empty);
 * `anxin export --database` writes exactly what `--data` wrote from the source;
 * `anxin verify --database` passes on the copy and names damage done to it.
 */
import { jest } from '@jest/globals';
import pg from 'pg';
import { describePostgres, freshDatabase } from '../../helpers/postgres.js';
import { OPERATOR, ORIGIN, anxin, fillTo, registration, openLedger, removeTempDirs, reportOf, requireDist, tempDir } from '../support.js';

jest.setTimeout(120_000);

describePostgres('anxin migrate, export and verify on PostgreSQL', () => {
  let dir: string;
  let url: string;
  beforeAll(async () => {
    requireDist();
    dir = tempDir('migrate');
    const ledger = await openLedger(dir, { state: { 'k/a': 1, 'k/中': { deep: [1, 2] } } });
    await fillTo(ledger, 40, 3);
    await ledger.transact((tx) => {
      tx.append(registration(tx.nextIndex, tx.at));
      tx.del('k/a');
      tx.put('k/b', 'two');
    });
    await ledger.close();
    url = await freshDatabase();
  });
  afterAll(removeTempDirs);

  test('when a LevelDB ledger is migrated into an empty database, then the copy verifies and exports byte for byte the same', async () => {
    const run = await anxin(['migrate', '--data', dir, '--database', url]);
    expect(run.stderr).toContain('anxin migrate: ok');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ entries: 41, stateEqual: true, ok: true });
    const verify = await anxin(['verify', '--database', url, '--origin', ORIGIN, '--operator-key', OPERATOR.publicKey]);
    expect(verify.code).toBe(0);
    expect(reportOf(verify)).toMatchObject({ ok: true, size: 41 });
    const [fromData, fromDb] = await Promise.all([anxin(['export', '--data', dir]), anxin(['export', '--database', url])]);
    expect(fromDb.code).toBe(0);
    expect(fromDb.stdout).toBe(fromData.stdout);
  });

  test('when the database is not empty, then migrate refuses and changes nothing', async () => {
    const before = await anxin(['export', '--database', url]);
    const run = await anxin(['migrate', '--data', dir, '--database', url]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/not empty/);
    expect((await anxin(['export', '--database', url])).stdout).toBe(before.stdout);
  });

  test('when an entry of the copy is changed in the database, then anxin verify --database exits 1 naming it', async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(`UPDATE anxin_entries SET body = replace(body, 'Producer 7', 'Producer 8') WHERE idx = 7`);
    } finally {
      await c.end();
    }
    const run = await anxin(['verify', '--database', url, '--origin', ORIGIN, '--operator-key', OPERATOR.publicKey]);
    expect(run.code).toBe(1);
    expect(reportOf(run).errors[0]).toMatchObject({ index: 7, code: 'leaf_mismatch' });
  });
});
