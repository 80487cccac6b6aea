/** Jest runs the TypeScript sources as native ESM (the @noble packages are ESM-only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Tests drive real servers, LevelDB, PostgreSQL and Chromium; on a loaded 2-core machine a setup hook can take longer than jest's 5 s.
  testTimeout: 30_000,
};
