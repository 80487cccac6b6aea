/**
 * The one HTTP pipeline for /v1, on Node's own request and response:
 *
 *   request id → length caps (target, each header, each query value) → route
 *   (find-my-way) → per-client rate limit → RFC 9421 authentication → JSON
 *   body (body.ts: decoded-size, ratio and element caps before JSON.parse) →
 *   the route's handler → its Reply written with Content-Length and X-Request-Id;
 *   anything thrown → one problem+json answer (problem.ts). A signed request is
 *   recorded in the access log once its answer is sent, with its status and
 *   latency (off the response's path: the record is queued on 'close').
 *
 * Routes are plain data (route.ts); no framework object reaches a handler.
 * Paths outside /v1 (pages, /docs, /openapi.yaml, /healthz) are not ours, except
 * the first segments of routes given with such a path (/01, /epcis): the
 * pipeline returns false and the app hands them to Express (app.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import FindMyWay from 'find-my-way';
import type { Logger } from 'pino';
import { ApiError } from '../errors.js';
import type { AccessLog } from './access-log.js';
import type { Authenticator, Identified } from './auth.js';
import { readJsonBody } from './body.js';
import type { RateLimits } from './limits.js';
import { toApiError, writeProblem } from './problem.js';
import type { HttpRequest, Reply, Route } from './route.js';

/** Longest request target (path and query) in bytes. */
export const MAX_TARGET = 4096;
/** Longest value of any one request header. */
export const MAX_HEADER_VALUE = 4096;
/** Most query parameters, and the longest value of one. */
export const MAX_QUERY_PARAMS = 32;
export const MAX_QUERY_VALUE = 1024;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export interface PipelineDeps {
  routes: readonly Route[];
  authenticate: Authenticator;
  logger: Logger;
  limits?: RateLimits;
  /**
   * Called once per answered /v1 request with its route (the OpenAPI path, or
   * 'unmatched'), status and duration: where HTTP metrics are recorded
   * (anxin_http_requests_total{route,status} and a duration histogram).
   */
  observe?: (route: string, status: number, seconds: number) => void;
  /** Where signed requests are recorded (who, what, when, status, latency). */
  accessLog?: AccessLog;
}

/** Handles a request under /v1 and returns true, or returns false for another handler to answer. */
export type Pipeline = (req: IncomingMessage, res: ServerResponse) => boolean;

/** '/v1/trace/{code}' → '/v1/trace/:code' (find-my-way's form). */
const routerPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

const capHeaders = (req: IncomingMessage): void => {
  const raw = req.rawHeaders;
  for (let i = 1; i < raw.length; i += 2)
    if (raw[i].length > MAX_HEADER_VALUE)
      throw new ApiError('invalid_request', `the ${raw[i - 1].slice(0, 40)} header is longer than ${MAX_HEADER_VALUE} bytes`);
};

const capQuery = (query: Record<string, string | string[] | undefined>): void => {
  let n = 0;
  for (const key in query) {
    const v = query[key];
    const values = Array.isArray(v) ? v : [v ?? ''];
    n += values.length;
    if (n > MAX_QUERY_PARAMS) throw new ApiError('invalid_request', `a request takes at most ${MAX_QUERY_PARAMS} query parameters`);
    for (const one of values)
      if (one.length > MAX_QUERY_VALUE)
        throw new ApiError('invalid_request', `query.${key.slice(0, 40)}: longer than ${MAX_QUERY_VALUE} characters`);
  }
};

/** A header Node did not join (one value, or the values joined with ", "). */
const one = (h: string | string[] | undefined): string | undefined => (Array.isArray(h) ? h.join(', ') : h);

const isBadPercent = (path: string): boolean => {
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
};

export const createPipeline = (deps: PipelineDeps): Pipeline => {
  const router = FindMyWay({ maxParamLength: MAX_TARGET, ignoreTrailingSlash: false, caseSensitive: true });
  for (const route of deps.routes) router.on(route.method, routerPath(route.path), () => undefined, route);
  const { logger, limits, authenticate, observe, accessLog } = deps;
  const debug = logger.isLevelEnabled('debug');

  const write = (res: ServerResponse, id: string, reply: Reply): void => {
    const headers: Record<string, string | number> = { 'x-request-id': id, ...reply.headers };
    let body: string | Uint8Array | undefined = reply.body;
    if (reply.json !== undefined) {
      body = JSON.stringify(reply.json);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    if (body !== undefined) headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    res.writeHead(reply.status, headers);
    res.end(body);
  };

  const fail = (req: IncomingMessage, res: ServerResponse, id: string, err: unknown): void => {
    const e = toApiError(err);
    if (e.code === 'internal') logger.error({ err, reqId: id, method: req.method, url: req.url?.slice(0, 200) }, 'internal error');
    if (res.headersSent) return void res.destroy();
    const headers: Record<string, string> = { 'x-request-id': id };
    // A body refused before it was read to its end is never read: the connection closes after the answer.
    if ((req.method === 'POST' || req.method === 'DELETE') && !req.complete) headers.connection = 'close';
    writeProblem(res, e, headers);
  };

  const serve = async (
    req: IncomingMessage,
    res: ServerResponse,
    id: string,
    identified: ((who: Identified) => void) | undefined,
  ): Promise<void> => {
    const url = req.url!;
    if (url.length > MAX_TARGET) throw new ApiError('invalid_request', `the request target is longer than ${MAX_TARGET} bytes`);
    capHeaders(req);
    const method = req.method === 'HEAD' ? 'GET' : req.method!;
    const hit = router.find(method as 'GET', url);
    if (!hit) {
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      if (isBadPercent(path)) throw new ApiError('invalid_request', 'the path is not valid percent-encoded UTF-8');
      throw new ApiError('not_found', `no route ${req.method} ${path.slice(0, 200)}; see /openapi.yaml`);
    }
    const route = hit.store as Route;
    matched.set(res, route.path);
    const query = hit.searchParams as Record<string, string | string[] | undefined>;
    capQuery(query);
    if (limits) await limits.take(route.rate ?? (route.method === 'POST' ? 'write' : 'read'), req.socket.remoteAddress ?? '');
    const principal =
      route.auth === 'none' || route.auth === 'body'
        ? undefined
        : authenticate(
            {
              method: req.method!,
              target: url,
              signatureInput: one(req.headers['signature-input']),
              signature: one(req.headers.signature),
              identified,
            },
            route.auth === 'required',
          );
    const { body, raw } = route.body ? await readJsonBody(req, route.body) : { body: undefined, raw: undefined };
    const params = hit.params as Record<string, string>;
    const request: HttpRequest = {
      id,
      method: req.method!,
      target: url,
      params,
      query,
      headers: req.headers,
      principal,
      body,
      rawBody: raw,
    };
    write(res, id, await route.handle(request));
  };

  /**
   * The access-log hook of one request: the first time authentication names a caller, a
   * record is queued for when the response closes, with the last caller named, the status
   * (when the answer was sent in full) and the latency.
   */
  const identify = (req: IncomingMessage, res: ServerResponse, url: string, start: bigint) => {
    let who: Identified | undefined;
    return (w: Identified): void => {
      if (!who)
        res.once('close', () => {
          const ms = Math.round(Number(process.hrtime.bigint() - start) / 1e4) / 100;
          accessLog!.record({
            ...who!,
            method: req.method!,
            path: url,
            ...(res.writableFinished ? { status: res.statusCode } : {}),
            ms,
          });
        });
      who = w;
    };
  };

  /** The route each response answers (for `observe`). */
  const matched = new WeakMap<ServerResponse, string>();

  // Routes outside /v1 (GS1 Digital Link's /01/…, EPCIS's /epcis/…) claim their first segment too.
  const prefixes = [
    '/v1',
    ...new Set(deps.routes.filter((r) => !r.path.startsWith('/v1/')).map((r) => r.path.slice(0, r.path.indexOf('/', 1) >>> 0))),
  ];
  const ours = (url: string): boolean =>
    prefixes.some((p) => url.startsWith(p) && (url.length === p.length || url[p.length] === '/' || url[p.length] === '?'));

  return (req, res) => {
    const url = req.url ?? '/';
    if (!ours(url)) return false;
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    const start = debug || observe || accessLog ? process.hrtime.bigint() : 0n;
    serve(req, res, id, accessLog && identify(req, res, url, start)).then(
      () => undefined,
      (err) => fail(req, res, id, err),
    );
    if (debug || observe)
      res.once('finish', () => {
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        observe?.(matched.get(res) ?? 'unmatched', res.statusCode, ms / 1000);
        if (debug) logger.debug({ reqId: id, method: req.method, url: url.slice(0, 200), status: res.statusCode, ms }, 'request');
      });
    return true;
  };
};
