// jest.config.js's `postgres` project: every fixture opens its ledger on PostgreSQL.
process.env.ANXIN_TEST_BACKEND = 'postgres';
// One process per database here: a lease that outlives a busy machine's event-loop stalls
// (the fencing tests in test/ledger/pg/ set their own, short one).
process.env.ANXIN_SEQUENCER_TTL_MS ??= '30000';
