/**
 * Trace reads (SPEC §8): the public trace view and its QR code, and the
 * regulators' recall view. A code that is not a well-formed id cannot name a
 * lot, so it is lot_not_found without touching state (and never reaches a
 * state key such as lot/<code>/entries/0).
 */
import type { IncomingHttpHeaders } from 'node:http';
import fresh from 'fresh';
import Negotiator from 'negotiator';
import QRCode from 'qrcode';
import { ID_PATTERN } from '../../schemas/common.js';
import { traceDocs } from '../../schemas/trace.js';
import type { PluginHttp, Services } from '../http/plugin-http.js';
import { ApiError } from '../errors.js';
import { allow } from '../http/auth.js';
import { buildRecallView } from './recall-view.js';
import { getLot } from './state.js';
import { TraceViewCache } from './view-cache.js';
import { json, type Route } from '../http/route.js';

const notFound = (code: string) => new ApiError('lot_not_found', `no lot with trace code ${code}`);

const lotCode = (raw: unknown): string => {
  if (typeof raw !== 'string') throw notFound(String(raw).slice(0, 80));
  if (!ID_PATTERN.test(raw)) throw notFound(raw.slice(0, 80));
  return raw;
};

/** The public page a QR code opens (SPEC §4 ANXIN_PUBLIC_URL). */
export const tracePageUrl = (publicUrl: string, code: string): string => `${publicUrl}/trace/${encodeURIComponent(code)}`;

/** Whether the request accepts gzip, by Accept-Encoding (negotiator: by name or by *, q > 0). */
export const acceptsGzip = (headers: IncomingHttpHeaders): boolean => new Negotiator({ headers }).encoding(['gzip', 'identity']) === 'gzip';

/**
 * GET /v1/trace/{code}: what every QR scan asks for, served from the cached
 * bytes. Public and cacheable, but revalidated (no-cache + ETag): status can
 * change with the clock (expiry). GET /v1/trace/{code}/qr.svg and the
 * regulators' GET /v1/regulator/recall/{code}.
 */
export const traceRoutes = (services: Services): Route[] => {
  const { ledger } = services;
  const views = new TraceViewCache(ledger, services.now);
  return [
    {
      method: 'GET',
      path: '/v1/trace/{code}',
      auth: 'none',
      handle: async (req) => {
        const code = lotCode(req.params.code);
        const view = await views.render(code, acceptsGzip(req.headers));
        if (!view) throw notFound(code);
        const headers: Record<string, string | number> = { etag: view.etag, 'cache-control': 'no-cache', vary: 'Accept-Encoding' };
        if (fresh(req.headers, { etag: view.etag })) return { status: 304, headers };
        headers['content-type'] = 'application/json; charset=utf-8';
        if (view.gzip) headers['content-encoding'] = 'gzip';
        return { status: 200, headers, body: view.body };
      },
    },
    {
      method: 'GET',
      path: '/v1/trace/{code}/qr.svg',
      auth: 'none',
      handle: async (req) => {
        const code = lotCode(req.params.code);
        if (!getLot(ledger, code)) throw notFound(code);
        const svg = await QRCode.toString(tracePageUrl(services.config.publicUrl, code), {
          type: 'svg',
          errorCorrectionLevel: 'M',
          margin: 2,
        });
        return {
          status: 200,
          headers: { 'cache-control': 'public, max-age=86400', 'content-type': 'image/svg+xml; charset=utf-8' },
          body: svg,
        };
      },
    },
    {
      method: 'GET',
      path: '/v1/regulator/recall/{code}',
      auth: 'required',
      rate: 'expensive',
      handle: (req) => {
        allow(req.principal, ['regulator']);
        const code = lotCode(req.params.code);
        const view = buildRecallView(ledger, code, services.now());
        if (!view) throw notFound(code);
        return json(view);
      },
    },
  ];
};

/** Food traceability's HTTP half. */
export const traceHttp: PluginHttp = { routes: traceRoutes, docs: traceDocs };
