/**
 * Hot routes written against Node's own request and response.
 *
 * Express's routing and middleware stack costs more per request than a small
 * handler does (bench/ measures both); for the few routes that carry the load —
 * event ingest, the public trace view — that overhead is a large share of the
 * work. A FastRoute is mounted in the Express app like any route (so the app, and the
 * tests that drive it, serve it the same way), and the server also answers it
 * ahead of Express (`fastPath`). Errors are rendered by the one problem writer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { toApiError, writeProblem } from './problem.js';

export type Params = Record<string, string>;

export interface FastRoute {
  method: 'GET' | 'POST';
  /** The path as OpenAPI writes it: literal segments and `{name}` segments (one raw, undecoded segment each). */
  path: string;
  handle(req: IncomingMessage, res: ServerResponse, params: Params): Promise<void>;
}

/** The path parameters when `path` (no query) fits `template`; undefined otherwise. */
export const matchPath = (template: string, path: string): Params | undefined => {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < want.length; i++) {
    const name = /^\{(\w+)\}$/.exec(want[i])?.[1];
    if (name) {
      if (!got[i]) return undefined;
      params[name] = got[i];
    } else if (want[i] !== got[i]) return undefined;
  }
  return params;
};

const find = (routes: readonly FastRoute[], req: IncomingMessage): { route: FastRoute; params: Params } | undefined => {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  for (const route of routes) {
    // HEAD is GET without the body (Node's ServerResponse drops it).
    if (route.method !== req.method && !(route.method === 'GET' && req.method === 'HEAD')) continue;
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return undefined;
};

/** Express middleware serving the fast routes. */
export const mountFast =
  (routes: readonly FastRoute[]): RequestHandler =>
  (req, res, next) => {
    const hit = find(routes, req);
    if (hit) void hit.route.handle(req, res, hit.params);
    else next();
  };

/** For the server: answers a fast route and returns true, or returns false for Express to answer. */
export const fastPath =
  (routes: readonly FastRoute[]) =>
  (req: IncomingMessage, res: ServerResponse): boolean => {
    const hit = find(routes, req);
    if (!hit) return false;
    void hit.route.handle(req, res, hit.params);
    return true;
  };

/** Wraps a route's work: its answer is written as it says, anything thrown as problem+json. */
export const guarded =
  (work: (req: IncomingMessage, res: ServerResponse, params: Params) => Promise<void>, log: (err: unknown) => void) =>
  async (req: IncomingMessage, res: ServerResponse, params: Params): Promise<void> => {
    try {
      await work(req, res, params);
    } catch (err) {
      const e = toApiError(err);
      if (e.code === 'internal') log(err);
      if (!res.headersSent) writeProblem(res, e);
      else res.destroy();
    }
  };

export const sendJson = (res: ServerResponse, status: number, value: unknown): void => {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};
