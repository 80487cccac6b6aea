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
import { buildRecallProgress, buildRecallView } from './recall-view.js';
import { z } from 'zod';
import { parseInput, queryInt } from '../http/params.js';
import { getLot, type LotRecord } from './state.js';
import { digitalLinkAnswer, digitalLinkLinkset, digitalLinkUri, parseGtin } from './digital-link.js';
import { gtin14 } from '../../schemas/gtin.js';
import { TraceViewCache, type RenderedView } from './view-cache.js';
import { json, type HttpRequest, type Reply, type Route } from '../http/route.js';

const notFound = (code: string) => new ApiError('lot_not_found', `no lot with trace code ${code}`);

const lotCode = (raw: unknown): string => {
  if (typeof raw !== 'string') throw notFound(String(raw).slice(0, 80));
  if (!ID_PATTERN.test(raw)) throw notFound(raw.slice(0, 80));
  return raw;
};

/** The public page a QR code opens (SPEC §4 ANXIN_PUBLIC_URL). */
export const tracePageUrl = (publicUrl: string, code: string): string => `${publicUrl}/trace/${encodeURIComponent(code)}`;

/** What a lot's QR code encodes (SPEC §15): its Digital Link URI when its product has a GTIN, else its trace page. */
export const qrTarget = (publicUrl: string, lot: Pick<LotRecord, 'code' | 'product'>): string =>
  lot.product.gtin ? digitalLinkUri(publicUrl, lot.product.gtin, lot.code) : tracePageUrl(publicUrl, lot.code);

const recallsQuery = z.object({ limit: queryInt.refine((n) => n >= 1 && n <= 100, 'must be 1 to 100').optional() });

/** Whether the request accepts gzip, by Accept-Encoding (negotiator: by name or by *, q > 0). */
export const acceptsGzip = (headers: IncomingHttpHeaders): boolean => new Negotiator({ headers }).encoding(['gzip', 'identity']) === 'gzip';

/**
 * GET /v1/trace/{code}: what every QR scan asks for, served from the cached
 * bytes. Public and cacheable, but revalidated (no-cache + ETag): status can
 * change with the clock (expiry). GET /v1/trace/{code}/qr.svg and the
 * regulators' GET /v1/regulator/recall/{code}.
 */
/** The cached trace view of `code` as a reply (ETag, gzip, 304), or throws lot_not_found. */
const viewReply = async (views: TraceViewCache, req: HttpRequest, code: string, vary = 'Accept-Encoding'): Promise<Reply> => {
  const view = await views.render(code, acceptsGzip(req.headers));
  if (!view) throw notFound(code);
  return replyOf(req, view, vary);
};

const replyOf = (req: HttpRequest, view: RenderedView, vary: string): Reply => {
  const headers: Record<string, string | number> = { etag: view.etag, 'cache-control': 'no-cache', vary };
  if (fresh(req.headers, { etag: view.etag })) return { status: 304, headers };
  headers['content-type'] = 'application/json; charset=utf-8';
  if (view.gzip) headers['content-encoding'] = 'gzip';
  return { status: 200, headers, body: view.body };
};

export const traceRoutes = (services: Services): Route[] => {
  const { ledger } = services;
  const views = new TraceViewCache(ledger, services.now, undefined, services.witnessed);
  return [
    {
      method: 'GET',
      path: '/v1/trace/{code}',
      auth: 'none',
      handle: (req) => viewReply(views, req, lotCode(req.params.code)),
    },
    {
      // The GS1 Digital Link resolver (digital-link.ts), outside /v1 where GS1 puts it, answering from the same cache.
      method: 'GET',
      path: '/01/{gtin}/10/{code}',
      auth: 'none',
      handle: async (req) => {
        const code = lotCode(req.params.code);
        const gtin = parseGtin(req.params.gtin);
        const lot = getLot(ledger, code);
        // A lot without that GTIN is not this trade item's lot: 404, as for an unknown lot.
        if (!gtin || !lot?.product.gtin || gtin14(lot.product.gtin) !== gtin)
          throw new ApiError('lot_not_found', `no lot ${code.slice(0, 80)} of GTIN ${req.params.gtin.slice(0, 20)}`);
        const linkType = typeof req.query.linkType === 'string' ? req.query.linkType : null;
        const accept = req.headers.accept;
        const { publicUrl } = services.config;
        switch (digitalLinkAnswer(linkType, accept)) {
          case 'view':
            return viewReply(views, req, code, 'Accept, Accept-Encoding');
          case 'linkset':
            return {
              status: 200,
              headers: { 'content-type': 'application/linkset+json', vary: 'Accept' },
              body: JSON.stringify(digitalLinkLinkset(publicUrl, gtin, code, lot.product.name)),
            };
          case 'page':
            return {
              status: 302,
              headers: {
                location: tracePageUrl(publicUrl, code),
                link: `<${publicUrl}/v1/trace/${encodeURIComponent(code)}>; rel="https://gs1.org/voc/traceability"; type="application/json"`,
                vary: 'Accept',
                'cache-control': 'no-cache',
              },
            };
        }
      },
    },
    {
      method: 'GET',
      path: '/v1/trace/{code}/qr.svg',
      auth: 'none',
      handle: async (req) => {
        const code = lotCode(req.params.code);
        const lot = getLot(ledger, code);
        if (!lot) throw notFound(code);
        const svg = await QRCode.toString(qrTarget(services.config.publicUrl, lot), {
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
        allow(req.principal, ['regulator', 'auditor']);
        const code = lotCode(req.params.code);
        const view = buildRecallView(ledger, code, services.now());
        if (!view) throw notFound(code);
        return json(view);
      },
    },
    {
      method: 'GET',
      path: '/v1/regulator/recalls',
      auth: 'required',
      rate: 'expensive',
      handle: (req) => {
        allow(req.principal, ['regulator', 'auditor']);
        const { limit } = parseInput(recallsQuery, req.query, 'query');
        return json(buildRecallProgress(ledger, limit ?? 20, services.now()));
      },
    },
  ];
};

/** Food traceability's HTTP half. */
export const traceHttp: PluginHttp = { routes: traceRoutes, docs: traceDocs };
