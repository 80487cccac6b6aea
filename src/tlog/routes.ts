/**
 * The log under /tlog (SPEC §12, c2sp.org/tlog-tiles): /tlog/checkpoint and
 * /tlog/tile/… as plain Node handlers over pure file functions (files.ts), so any
 * HTTP pipeline can mount them. Tiles and bundles are immutable and cached for a
 * year; the checkpoint is not cached; anything not (yet) in the log is 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { ApiError } from '../errors.js';
import { toApiError, writeProblem } from '../http/problem.js';
import { setPublicCors } from './cors.js';
import type { TileServer } from './files.js';

export const TLOG_PREFIX = '/tlog';
export const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface TlogDeps {
  tiles: TileServer;
  /** The checkpoint note to serve: the newest one meeting the witness quorum, or the newest signed one. */
  checkpoint(): string | undefined;
  /** The subject note (SPEC §12) signed with the checkpoint of exactly `size`, if there was one. */
  subjectNote?(size: number): string | undefined;
  log?(err: unknown): void;
}

const send = (req: IncomingMessage, res: ServerResponse, type: string, cache: string, body: Uint8Array | string, gzip = false): void => {
  let bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const headers: Record<string, string | number> = { 'content-type': type, 'cache-control': cache };
  // Bundles are text; compress them when the client takes gzip (c2sp.org/tlog-tiles: "SHOULD be compressed").
  if (gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    bytes = gzipSync(bytes);
    headers['content-encoding'] = 'gzip';
  }
  if (gzip) headers.vary = 'Accept-Encoding';
  headers['content-length'] = bytes.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : bytes);
};

/**
 * Answers GET/HEAD under /tlog and returns true; returns false for any other
 * request, which the caller passes on.
 */
export const tlogHandler =
  (deps: TlogDeps) =>
  (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '/';
    if (!(url === TLOG_PREFIX || url.startsWith(TLOG_PREFIX + '/') || url.startsWith(TLOG_PREFIX + '?'))) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = url.split('?')[0].slice(TLOG_PREFIX.length + 1);
    setPublicCors(res);
    void (async () => {
      try {
        if (path === 'checkpoint') {
          const note = deps.checkpoint();
          res.setHeader('cache-control', 'no-cache');
          if (!note) throw new ApiError('not_found', 'no checkpoint has met the witness quorum yet');
          return send(req, res, 'text/plain; charset=utf-8', 'no-cache', note);
        }
        const subjects = /^subjects\/(0|[1-9][0-9]{0,15})$/.exec(path);
        if (subjects) {
          // A subject note never changes once signed: cacheable like a tile.
          const note = deps.subjectNote?.(Number(subjects[1]));
          if (!note) {
            res.setHeader('cache-control', 'no-cache');
            throw new ApiError('not_found', `no subject note was signed at size ${subjects[1]}`);
          }
          return send(req, res, 'text/plain; charset=utf-8', IMMUTABLE, note);
        }
        const bytes = path.startsWith('tile/') ? await deps.tiles.get(path) : undefined;
        if (!bytes) {
          res.setHeader('cache-control', 'no-cache');
          throw new ApiError('not_found', `no ${TLOG_PREFIX}/${path} (yet): tiles past the log's size do not exist`);
        }
        send(req, res, 'application/octet-stream', IMMUTABLE, bytes, path.startsWith('tile/entries/'));
      } catch (err) {
        const e = toApiError(err);
        if (e.code === 'internal') (deps.log ?? console.error)(err);
        if (!res.headersSent) writeProblem(res, e);
        else res.destroy();
      }
    })();
    return true;
  };
