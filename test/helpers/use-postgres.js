// jest.config.js's `postgres` project: every fixture opens its ledger on PostgreSQL.
process.env.ANXIN_TEST_BACKEND = 'postgres';
