/**
 * Trace reads (SPEC §8): the public trace view and its QR code, and the
 * regulators' recall view. A code that is not a well-formed id cannot name a
 * lot, so it is lot_not_found without touching state (and never reaches a
 * state key such as lot/<code>/entries/0).
 */
import { Router } from 'express';
import QRCode from 'qrcode';
import { ID_PATTERN } from '../../schemas/common.js';
import type { Services } from '../domain/plugin.js';
import { ApiError } from '../errors.js';
import { allow } from '../http/auth.js';
import { buildRecallProgress, buildRecallView } from './recall-view.js';
import { z } from 'zod';
import { parseInput, queryInt } from '../http/params.js';
import { getLot, type LotRecord } from './state.js';
import { digitalLinkAnswer, digitalLinkLinkset, digitalLinkUri, parseGtin } from './digital-link.js';
import { gtin14 } from '../../schemas/gtin.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
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

/** What a lot's QR code encodes (SPEC §15): its Digital Link URI when its product has a GTIN, else its trace page. */
export const qrTarget = (publicUrl: string, lot: Pick<LotRecord, 'code' | 'product'>): string =>
  lot.product.gtin ? digitalLinkUri(publicUrl, lot.product.gtin, lot.code) : tracePageUrl(publicUrl, lot.code);

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
/** Sends the cached trace view of `code` (ETag, gzip, 304), or throws lot_not_found. */
const sendView = async (
  views: TraceViewCache,
  req: IncomingMessage,
  res: ServerResponse,
  code: string,
  vary = 'Accept-Encoding',
): Promise<void> => {
  const view = await views.render(code, acceptsGzip(req.headers['accept-encoding']));
  if (!view) throw notFound(code);
  const headers: Record<string, string | number> = { etag: view.etag, 'cache-control': 'no-cache', vary };
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
};

const decodeSegment = (raw: string): string => {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError('invalid_request', 'the path is not valid percent-encoded UTF-8');
  }
};

/**
 * GET /v1/trace/{code}: what every QR scan asks for, so it is a FastRoute
 * (http/fast-routes.ts) serving the cached bytes. Public and cacheable, but
 * revalidated (no-cache + ETag): status can change with the clock (expiry).
 * GET /01/{gtin}/10/{code}: the GS1 Digital Link resolver (digital-link.ts),
 * answering from the same cache.
 */
export const traceFastRoutes = (services: Services): FastRoute[] => {
  const views = new TraceViewCache(services.ledger, services.now);
  const log = (err: unknown) => console.error(err);
  return [
    {
      method: 'GET',
      path: '/v1/trace/{code}',
      handle: guarded(async (req, res, params) => sendView(views, req, res, lotCode(decodeSegment(params.code))), log),
    },
    {
      method: 'GET',
      path: '/01/{gtin}/10/{code}',
      handle: guarded(async (req, res, params) => {
        const code = lotCode(decodeSegment(params.code));
        const gtin = parseGtin(decodeSegment(params.gtin));
        const lot = getLot(services.ledger, code);
        // A lot without that GTIN is not this trade item's lot: 404, as for an unknown lot.
        if (!gtin || !lot?.product.gtin || gtin14(lot.product.gtin) !== gtin)
          throw new ApiError('lot_not_found', `no lot ${code.slice(0, 80)} of GTIN ${params.gtin.slice(0, 20)}`);
        const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
        const { publicUrl } = services.config;
        switch (digitalLinkAnswer(query.get('linkType'), req.headers.accept)) {
          case 'view':
            return sendView(views, req, res, code, 'Accept, Accept-Encoding');
          case 'linkset': {
            const body = JSON.stringify(digitalLinkLinkset(publicUrl, gtin, code, lot.product.name));
            res.writeHead(200, {
              'content-type': 'application/linkset+json',
              'content-length': Buffer.byteLength(body),
              vary: 'Accept',
            });
            res.end(body);
            return;
          }
          case 'page':
            res.writeHead(302, {
              location: tracePageUrl(publicUrl, code),
              link: `<${publicUrl}/v1/trace/${encodeURIComponent(code)}>; rel="https://gs1.org/voc/traceability"; type="application/json"`,
              vary: 'Accept',
              'cache-control': 'no-cache',
            });
            res.end();
        }
      }, log),
    },
  ];
};

export const traceRoutes = (services: Services): Router => {
  const { ledger } = services;
  const r = Router();

  r.get('/trace/:code/qr.svg', async (req, res) => {
    const code = lotCode(req.params.code);
    const lot = getLot(ledger, code);
    if (!lot) throw notFound(code);
    const svg = await QRCode.toString(qrTarget(services.config.publicUrl, lot), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    res.set('Cache-Control', 'public, max-age=86400').type('image/svg+xml').send(svg);
  });

  r.get('/regulator/recall/:code', services.signed, (req, res) => {
    allow(res, ['regulator']);
    const code = lotCode(req.params.code);
    const view = buildRecallView(ledger, code, services.now());
    if (!view) throw notFound(code);
    res.json(view);
  });

  r.get('/regulator/recalls', services.signed, (req, res) => {
    allow(res, ['regulator']);
    const { limit } = parseInput(recallsQuery, req.query, 'query');
    res.json(buildRecallProgress(ledger, limit ?? 20, services.now()));
  });

  return r;
};

const recallsQuery = z.object({ limit: queryInt.refine((n) => n >= 1 && n <= 100, 'must be 1 to 100').optional() });
