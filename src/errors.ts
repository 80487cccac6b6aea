/** Errors with stable codes, thrown by rules, admission and handlers; rendered by one middleware (http/problem.ts). */
import { ERROR_STATUS, type ErrorCode } from '../schemas/errors.js';

export { ERROR_STATUS, ERROR_CODES, type ErrorCode } from '../schemas/errors.js';

/** Per-item errors of a rejected batch. */
export interface BatchItemError {
  i: number;
  code: ErrorCode;
  detail: string;
}

/** A rejection with a stable code. Thrown by rules, admission and handlers; rendered by one middleware. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra?: { errors?: BatchItemError[]; [k: string]: unknown },
  ) {
    super(detail);
    this.name = 'ApiError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;
