/** The ledger engine's public surface. `src/` uses the engine only through this file (and portable.ts in browsers). */
export * from './portable.js';
export { nodeSuite, sha256, randomSeed } from './suite-node.js';
export { LedgerError, LEDGER_ERROR_CODES } from './errors.js';
export type { LedgerErrorCode } from './errors.js';
export { generateKey, readKeyFile, writeKeyFile } from './keyfile.js';
export { Ledger, SUBJECT_NODE_PREFIX, SUBJECT_STATE_PREFIX } from './log.js';
export type { Tx, ViewPoint, LedgerOptions, GenesisOptions, GenesisRegulator, VerifyRange, WriteHealth, WriteObserver } from './log.js';
export type { State, StateView } from './state.js';
export { copyJson } from './state.js';
export type { LogStore, CommitGroup, StateScan, Sequencing } from './store.js';
export { openStore, isDatabaseUrl } from './open-store.js';
export { GENESIS_TYPE, GENESIS_ID, OPERATOR_ACTOR } from './genesis.js';
export type { GenesisBody } from './genesis.js';
export { verifyLog, LogVerifier } from './verify.js';
export type {
  VerifyReport,
  VerifyError,
  VerifyOptions,
  VerifierOptions,
  VerifyInput,
  DedupCheck,
  ReplayHook,
  ReplayContext,
  Fault,
} from './verify.js';
export { exportNdjson, exportHeader, verifyExport, verifyDataDir, verifyDatabase, verifyStore, withStore } from './export.js';
export type { ExportHeader } from './export.js';
export { withSnapshot } from './snapshot.js';
export { SigPool, SigPoolBusy, type SigPoolOptions } from './sigpool.js';
export { migrateStore } from './migrate.js';
export type { MigrationReport } from './migrate.js';
