/**
 * The ledger engine's stable error codes. Codes never change; messages may.
 * Programmer mistakes (wrong argument types, impossible ranges) stay TypeError/RangeError.
 */
export const LEDGER_ERROR_CODES = [
  /** An open-time invariant does not hold; the message names it. Run the verifier. */
  'LEDGER_CORRUPT',
  /** The directory holds no ledger (and creation was not asked for). */
  'LEDGER_NOT_FOUND',
  /** A durable write failed; pending appends were rejected, and the ledger takes appends again once it has reread the store. */
  'LEDGER_WRITE_FAILED',
  /** The store cannot be reached (a lost database connection); appends resume when it returns. */
  'LEDGER_UNAVAILABLE',
  /** Another process holds the sequencer lease on this shared log: this one serves reads only. */
  'LEDGER_NOT_SEQUENCER',
  /** The ledger is closed or closing. */
  'LEDGER_CLOSED',
  /** A key file is unreadable or inconsistent. */
  'KEY_FILE_INVALID',
  /** The operator key given does not match the ledger's. */
  'OPERATOR_KEY_MISMATCH',
] as const;

export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LedgerError';
  }
}
