/**
 * The route contract: what a plug-in's HTTP half hands the pipeline (http/pipeline.ts).
 *
 * A route is data plus one function: method, full path, how the caller is
 * authenticated, which per-client rate limit it counts against, what body it
 * takes, and a handler that turns a parsed request into a Reply. The handler
 * never sees Node's or any framework's request/response objects: the pipeline
 * routes, bounds, authenticates, reads and parses the body, calls the handler,
 * and writes the reply — or, for anything thrown, the one problem+json answer
 * (http/problem.ts). So a route is tested through the real pipeline, and the
 * pipeline can change libraries without touching a plug-in.
 *
 * Converting an Express-style route is mechanical:
 *
 *   r.get('/cards/:card', services.signed, async (req, res) => {      // Express, mounted under /v1
 *     const p = allow(res, ['regulator']);
 *     res.status(200).set('Cache-Control', 'no-store').json(view);
 *   });
 *
 *   { method: 'GET', path: '/v1/cards/{card}', auth: 'required',      // here
 *     handle: async (req) => {
 *       const p = allow(req.principal, ['regulator']);
 *       return json(view, 200, { 'cache-control': 'no-store' });
 *     } }
 *
 *   - path: prefix /v1, `:name` becomes `{name}` (the OpenAPI form).
 *   - middleware → `auth`: services.signed → 'required', services.maybeSigned → 'optional', none → 'none'.
 *   - `allow(res, …)` → `allow(req.principal, …)`; `principalOf(res)` → `req.principal`.
 *   - `req.params`, `req.query` and `req.body` keep their names; values are strings (a repeated
 *     query key is a string[]), never the nested objects Express's query parser made.
 *   - `res.json(x)` → `return json(x)`; `res.status(s).json(x)` → `return json(x, s)`;
 *     `res.type(t).send(text)` / `res.set(h).send(text)` → `return { status: 200, headers: { 'content-type': t, …h }, body: text }`;
 *     `res.status(202).location(u).json(x)` → `return json(x, 202, { location: u })`.
 *   - `throw new ApiError(code, detail)` is unchanged; never write to a response.
 *   - a POST route declares `body: { limit }` (bytes, counted after decoding); `req.body` is
 *     then the parsed JSON object or array (undefined when the request had no JSON body).
 *   - reads that cost more than a lookup (scans, exports, verification) say `rate: 'expensive'`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../domain/plugin.js';

export type Method = 'GET' | 'POST';

/** 'required': an RFC 9421 signature must verify (else 401); 'optional': verified when sent; 'none': never looked at. */
export type AuthMode = 'none' | 'optional' | 'required';

/**
 * The per-client rate limit a route counts against (config.ts ANXIN_RATE_*):
 * 'write' (default for POST), 'expensive' (reads that scan, export or verify), 'read' (default for GET: none).
 */
export type RateClass = 'read' | 'expensive' | 'write';

export interface BodySpec {
  /** Largest body in bytes, counted on the decoded bytes (413 payload_too_large). */
  limit: number;
  /**
   * Largest number of elements in an array that is a member of the top-level object
   * (the batch's `events`), counted while the body streams in, before it is parsed (413).
   */
  maxItems?: number;
}

export interface HttpRequest {
  /** The request id: the client's X-Request-Id when well-formed, else a fresh one; echoed on the response and in logs. */
  readonly id: string;
  readonly method: string;
  /** The path and query exactly as sent (what an RFC 9421 signature covers). */
  readonly target: string;
  /** Path parameters, percent-decoded, by the names in the route's path. */
  readonly params: Readonly<Record<string, string>>;
  /** Query parameters, percent-decoded; a repeated key is a string[]. */
  readonly query: Readonly<Record<string, string | string[] | undefined>>;
  /** Request headers, lower-case names (each already within the pipeline's length caps). */
  readonly headers: IncomingHttpHeaders;
  /** Who signed the request (auth 'required' always has one; 'optional' may). */
  readonly principal: Principal | undefined;
  /** The parsed JSON body of a route with `body`; undefined otherwise or when none was sent. */
  readonly body: unknown;
}

/** What a handler returns; the pipeline writes it (with Content-Length and X-Request-Id). */
export interface Reply {
  status: number;
  headers?: Record<string, string | number>;
  /** Serialized as JSON (application/json; charset=utf-8 unless headers say otherwise). */
  json?: unknown;
  /** Sent as is; give its content-type in `headers`. Ignored when `json` is set. */
  body?: string | Uint8Array;
}

export interface Route {
  method: Method;
  /** The full path as OpenAPI writes it: literal segments and `{name}` segments, e.g. /v1/trace/{code}. */
  path: string;
  auth: AuthMode;
  /** Defaults: 'write' for POST, 'read' for GET. */
  rate?: RateClass;
  /** Only for POST routes: the JSON body they take. */
  body?: BodySpec;
  handle(req: HttpRequest): Reply | Promise<Reply>;
}

/** A JSON reply. */
export const json = (value: unknown, status = 200, headers?: Record<string, string | number>): Reply => ({ status, json: value, headers });
