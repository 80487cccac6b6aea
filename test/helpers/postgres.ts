/**
 * PostgreSQL for tests: a throwaway cluster (scripts/pg-cluster.ts) started on
 * first use, ONE per test file, stopped and removed after the file's tests; each
 * caller gets a fresh database on it. ANXIN_TEST_DATABASE_URL points the tests
 * at an existing server instead (its role must be allowed to CREATE DATABASE).
 *
 * Without PostgreSQL the PostgreSQL runs are skipped, loudly (see
 * `describePostgres`); with ANXIN_REQUIRE_POSTGRES=1 (CI) a missing PostgreSQL
 * fails them instead.
 */
import pg from 'pg';
import { findPgBin, startCluster, type Cluster } from '../../scripts/pg-cluster.js';

let cluster: Cluster | undefined;
let count = 0;

export const postgresAvailable = (): boolean => !!process.env.ANXIN_TEST_DATABASE_URL || findPgBin() !== undefined;
export const postgresRequired = (): boolean => process.env.ANXIN_REQUIRE_POSTGRES === '1';

const SKIP_NOTICE =
  '\n*** PostgreSQL is not installed: the PostgreSQL runs of the ledger tests are SKIPPED. ***\n' +
  '*** Install it (apt-get install postgresql) or set ANXIN_TEST_DATABASE_URL to test the PostgreSQL backend. ***\n';

/** `describe` when PostgreSQL is there; otherwise a loud skip, or a failure when it is required. */
export const describePostgres = (name: string, fn: () => void): void => {
  if (postgresAvailable()) return describe(name, fn);
  if (postgresRequired())
    return describe(name, () => test('PostgreSQL is installed (ANXIN_REQUIRE_POSTGRES=1)', () => expect(findPgBin()).toBeDefined()));
  process.stderr.write(SKIP_NOTICE);
  describe.skip(name, fn);
};

const onServer = (base: string, name: string): string => {
  const u = new URL(base);
  u.pathname = '/' + name;
  return u.toString();
};

/** A fresh, empty database on the test cluster (started on first use). */
export const freshDatabase = async (): Promise<string> => {
  const name = `anxin_t${process.pid}_${count++}`;
  const base = process.env.ANXIN_TEST_DATABASE_URL;
  if (base) {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    try {
      await c.query(`CREATE DATABASE "${name}"`);
    } finally {
      await c.end();
    }
    return onServer(base, name);
  }
  // The tests kill the service, never the server: PostgreSQL's own fsyncs would only slow them down.
  cluster ??= startCluster({ settings: { fsync: 'off', full_page_writes: 'off' } });
  return cluster.createDatabase(name);
};

/** The cluster this file started (undefined with ANXIN_TEST_DATABASE_URL or before first use). */
export const testCluster = (): Cluster | undefined => cluster;

if (typeof afterAll === 'function')
  afterAll(() => {
    cluster?.stop();
    cluster = undefined;
  });
