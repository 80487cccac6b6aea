/**
 * Jest runs the TypeScript sources as native ESM (the @noble packages are ESM-only).
 *
 * Two projects: `leveldb` runs every test; `postgres` runs the ledger, HTTP, card,
 * trace and regulator suites again with ANXIN_TEST_BACKEND=postgres, so their
 * fixtures open a fresh database on a throwaway PostgreSQL cluster instead of a
 * LevelDB directory (test/helpers/postgres.ts). Without PostgreSQL installed (and
 * no ANXIN_TEST_DATABASE_URL) the second project is left out and this says so;
 * with ANXIN_REQUIRE_POSTGRES=1 (CI) that is an error instead.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const hasPostgres = () => {
  if (process.env.ANXIN_TEST_DATABASE_URL) return true;
  const root = '/usr/lib/postgresql';
  if (existsSync(root) && readdirSync(root).some((v) => existsSync(join(root, v, 'bin', 'initdb')))) return true;
  return (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, 'initdb')));
};

const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
};

const postgres = hasPostgres();
if (!postgres) {
  const line = '*'.repeat(100);
  const message = `${line}\n*** PostgreSQL is not installed: the PostgreSQL runs of the ledger, HTTP, card, trace and regulator tests are SKIPPED.\n*** Install it (apt-get install postgresql) or set ANXIN_TEST_DATABASE_URL=postgres://… to run them.\n${line}`;
  if (process.env.ANXIN_REQUIRE_POSTGRES === '1') throw new Error('ANXIN_REQUIRE_POSTGRES=1 but PostgreSQL is not installed');
  console.warn(message);
}

export default {
  // Tests drive real servers, LevelDB, PostgreSQL and Chromium; on a loaded 2-core machine a setup hook can take longer than jest's 5 s.
  testTimeout: 30_000,
  // On 2 cores jest runs every file in band, in its own process, which keeps what each file loaded: over a
  // whole run it grew to 4 GB resident, at V8's 4 GB heap limit, and the last files slowed until one
  // timed out in CI. With a limit, files run in a worker that is replaced once it holds more than
  // this after a file.
  workerIdleMemoryLimit: '1GB',
  projects: [
    { ...base, displayName: 'leveldb', testMatch: ['<rootDir>/test/**/*.test.ts'] },
    ...(postgres
      ? [
          {
            ...base,
            displayName: 'postgres',
            setupFiles: ['<rootDir>/test/helpers/use-postgres.js'],
            setupFilesAfterEnv: ['<rootDir>/test/helpers/postgres-timeout.js'],
            testMatch: [
              '<rootDir>/test/ledger/log.test.ts',
              '<rootDir>/test/ledger/scan.test.ts',
              '<rootDir>/test/ledger/subjects-stored.test.ts',
              '<rootDir>/test/http/**/*.test.ts',
              '<rootDir>/test/cards/**/*.test.ts',
              '<rootDir>/test/trace/**/*.test.ts',
              '<rootDir>/test/regulator/**/*.test.ts',
            ],
            // LevelDB-specific: they start the server or the CLI on a data directory.
            testPathIgnorePatterns: ['/node_modules/', '/test/http/server\\.test\\.ts$', '/test/http/openapi\\.test\\.ts$'],
          },
        ]
      : []),
  ],
};
