/**
 * The one error writer: every error becomes application/problem+json (RFC 9457)
 * with a stable `code` and a `detail` that says what to fix. Nothing internal
 * (stack traces, paths, messages of unexpected errors) leaks to the client.
 * The /v1 pipeline (pipeline.ts) and the Express app around the pages both write through it.
 */
import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { LedgerError } from '../../ledger/index.js';
import { ApiError, ERROR_STATUS } from '../errors.js';
import { countRejection } from '../metrics.js';

/** Seconds a client should wait before retrying a write that another process must sequence (its lease's lifetime at most). */
const NOT_SEQUENCER_RETRY_S = Math.max(1, Math.ceil(Number(process.env.ANXIN_SEQUENCER_TTL_MS ?? 5000) / 1000) || 5);

/** The one mapping from anything thrown to a stable code. */
export const toApiError = (err: unknown): ApiError => {
  if (err instanceof ApiError) return err;
  // The router could not percent-decode a path parameter.
  if (err instanceof URIError) return new ApiError('invalid_request', 'the path is not valid percent-encoded UTF-8');
  if (err instanceof LedgerError && (err.code === 'LEDGER_CLOSED' || err.code === 'LEDGER_WRITE_FAILED'))
    return new ApiError('unavailable', 'the ledger cannot take writes right now; nothing was appended, retry later', { retryAfterS: 1 });
  if (err instanceof LedgerError && err.code === 'LEDGER_UNAVAILABLE')
    return new ApiError(
      'unavailable',
      'the database is unreachable; the write may not have landed: retry the same event (an identical retry is answered with its receipt)',
      { retryAfterS: 1 },
    );
  if (err instanceof LedgerError && err.code === 'LEDGER_NOT_SEQUENCER')
    return new ApiError('not_sequencer', 'another service process sequences this log; retry later (or at that process)', {
      retryAfterS: NOT_SEQUENCER_RETRY_S,
    });
  return new ApiError('internal', 'an unexpected error occurred; nothing was appended');
};

/** Seconds a client should wait before retrying a 503 `unavailable` (the ledger's write probe runs every second). */
export const RETRY_AFTER_S = 1;

export const problemBody = (e: ApiError) => ({
  type: `urn:anxin:problem:${e.code}`,
  title: e.code.replace(/_/g, ' '),
  status: ERROR_STATUS[e.code],
  code: e.code,
  detail: e.detail,
  ...e.extra,
});

/**
 * Writes a problem+json answer on any Node response (Express's included). An
 * error whose `extra.retryAfterS` is a number also gets a Retry-After header.
 */
export const writeProblem = (res: ServerResponse, e: ApiError, headers: Record<string, string> = {}): void => {
  countRejection(e.code);
  const body = JSON.stringify(problemBody(e));
  // 503 unavailable is temporary by definition (a full backlog, a write probe pending): say when to come back.
  const retry = e.extra?.retryAfterS ?? (e.code === 'unavailable' ? RETRY_AFTER_S : undefined);
  res.writeHead(e.status, {
    ...headers,
    ...(typeof retry === 'number' ? { 'retry-after': String(retry) } : {}),
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
};

/** The Express app's error handler (pages' own errors are HTML; see pages/index.ts). */
export const problemHandler =
  (log: (err: unknown) => void = (err) => console.error(err)): ErrorRequestHandler =>
  (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const e = toApiError(err);
    if (e.code === 'internal') log(err);
    writeProblem(res, e);
  };

export const notFoundHandler: RequestHandler = (req, _res, next) =>
  next(new ApiError('not_found', `no route ${req.method} ${req.path}; see /openapi.yaml`));
