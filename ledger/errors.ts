/**
 * The ledger engine's stable error codes. Codes never change; messages may.
 * Programmer mistakes (wrong argument types, impossible ranges) stay TypeError/RangeError.
 */
export const LEDGER_ERROR_CODES = [
  /** An open-time invariant does not hold; the message names it. Run the verifier. */
  'LEDGER_CORRUPT',
  /** The directory holds no ledger (and creation was not asked for). */
  'LEDGER_NOT_FOUND',
  /** A durable write failed; the transactions pending then were not appended. */
  'LEDGER_WRITE_FAILED',
  /** The ledger takes no writes until a probe write succeeds (after LEDGER_WRITE_FAILED); it heals by itself. */
  'LEDGER_UNAVAILABLE',
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
