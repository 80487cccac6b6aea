/**
 * Trace reads (SPEC §8): the public trace view and its QR code, and the
 * regulators' recall view. A code that is not a well-formed id cannot name a
 * lot, so it is lot_not_found without touching state (and never reaches a
 * state key such as lot/<code>/entries/0).
 */
import { Router } from 'express';
import QRCode from 'qrcode';
import { ID_PATTERN } from '../../schemas/common.js';
import { traceDocs } from '../../schemas/trace.js';
import type { PluginHttp, Services } from '../http/plugin-http.js';
import { ApiError } from '../errors.js';
import { allow } from '../http/auth.js';
import { buildRecallView } from './recall-view.js';
import { getLot } from './state.js';
import { TraceViewCache } from './view-cache.js';
import { guarded, type FastRoute } from '../http/fast-routes.js';

const notFound = (code: string) => new ApiError('lot_not_found', `no lot with trace code ${code}`);

const lotCode = (raw: unknown): string => {
  if (typeof raw !== 'string') throw notFound(String(raw).slice(0, 80));
  if (!ID_PATTERN.test(raw)) throw notFound(raw.slice(0, 80));
  return raw;
};

/** The public page a QR code opens (SPEC §4 ANXIN_PUBLIC_URL). */
export const tracePageUrl = (publicUrl: string, code: string): string => `${publicUrl}/trace/${encodeURIComponent(code)}`;

/** Whether an Accept-Encoding header accepts gzip (q > 0, by name or by *). */
export const acceptsGzip = (header: string | undefined): boolean =>
  (header ?? '').split(',').some((part) => {
    const [name, ...params] = part.split(';').map((x) => x.trim());
    const q = params.find((p) => p.startsWith('q='));
    return (name.toLowerCase() === 'gzip' || name === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });

/** Whether If-None-Match names this (weak) ETag, so the client's copy is current. */
const matches = (ifNoneMatch: string | undefined, etag: string): boolean =>
  !!ifNoneMatch &&
  (ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag.replace(/^W\//, '')));

/**
 * GET /v1/trace/{code}: what every QR scan asks for, so it is a FastRoute
 * (http/fast-routes.ts) serving the cached bytes. Public and cacheable, but
 * revalidated (no-cache + ETag): status can change with the clock (expiry).
 */
export const traceFastRoutes = (services: Services): FastRoute[] => {
  const views = new TraceViewCache(services.ledger, services.now);
  return [
    {
      method: 'GET',
      path: '/v1/trace/{code}',
      handle: guarded(
        async (req, res, params) => {
          let raw: string;
          try {
            raw = decodeURIComponent(params.code);
          } catch {
            throw new ApiError('invalid_request', 'the path is not valid percent-encoded UTF-8');
          }
          const code = lotCode(raw);
          const view = await views.render(code, acceptsGzip(req.headers['accept-encoding']));
          if (!view) throw notFound(code);
          const headers: Record<string, string | number> = { etag: view.etag, 'cache-control': 'no-cache', vary: 'Accept-Encoding' };
          if (matches(req.headers['if-none-match'], view.etag)) {
            res.writeHead(304, headers);
            res.end();
            return;
          }
          headers['content-type'] = 'application/json; charset=utf-8';
          headers['content-length'] = view.body.length;
          if (view.gzip) headers['content-encoding'] = 'gzip';
          res.writeHead(200, headers);
          res.end(view.body);
        },
        (err) => console.error(err),
      ),
    },
  ];
};

export const traceRoutes = (services: Services): Router => {
  const { ledger } = services;
  const r = Router();

  r.get('/trace/:code/qr.svg', async (req, res) => {
    const code = lotCode(req.params.code);
    if (!getLot(ledger, code)) throw notFound(code);
    const svg = await QRCode.toString(tracePageUrl(services.config.publicUrl, code), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    res.set('Cache-Control', 'public, max-age=86400').type('image/svg+xml').send(svg);
  });

  r.get('/regulator/recall/:code', services.signed, (req, res) => {
    allow(res, ['regulator']);
    const code = lotCode(req.params.code);
    const view = buildRecallView(ledger, code, services.now());
    if (!view) throw notFound(code);
    res.json(view);
  });

  return r;
};

/** Food traceability's HTTP half. */
export const traceHttp: PluginHttp = { routes: traceRoutes, fastRoutes: traceFastRoutes, docs: traceDocs };
