/**
 * The one error handler: every error becomes application/problem+json (RFC 9457)
 * with a stable `code` and a `detail` that says what to fix. Nothing internal
 * (stack traces, paths, messages of unexpected errors) leaks to the client.
 */
import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { LedgerError } from '../../ledger/index.js';
import { ApiError, ERROR_STATUS } from '../errors.js';
import { countRejection } from '../metrics.js';

/** The one mapping from anything thrown to a stable code. */
export const toApiError = (err: unknown): ApiError => {
  if (err instanceof ApiError) return err;
  const e = err as { type?: string; status?: number; limit?: number };
  if (e?.type === 'entity.too.large')
    return new ApiError('payload_too_large', `the body is larger than the limit of ${e.limit} bytes; split it into smaller requests`);
  if (e?.type === 'entity.parse.failed' || e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new ApiError('invalid_json', 'the body is not valid UTF-8 JSON (an object or array)');
  // The router could not percent-decode a path parameter.
  if (err instanceof URIError) return new ApiError('invalid_request', 'the path is not valid percent-encoded UTF-8');
  // The body parser could not read the body (a corrupt Content-Encoding stream, a wrong Content-Length).
  if (e?.status === 400) return new ApiError('invalid_json', 'the body could not be read; check its Content-Encoding and Content-Length');
  if (err instanceof LedgerError && ['LEDGER_CLOSED', 'LEDGER_WRITE_FAILED', 'LEDGER_UNAVAILABLE'].includes(err.code))
    return new ApiError('unavailable', 'the ledger cannot take writes right now; nothing was appended, retry later');
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

/** Writes a problem+json answer on any Node response (Express's included). */
export const writeProblem = (res: ServerResponse, e: ApiError): void => {
  countRejection(e.code);
  const body = JSON.stringify(problemBody(e));
  const headers: Record<string, string | number> = {
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  };
  // 503 unavailable is temporary by definition (a full backlog, a write probe pending): say when to come back.
  if (e.code === 'unavailable') headers['retry-after'] = RETRY_AFTER_S;
  res.writeHead(e.status, headers);
  res.end(body);
};

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
