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
import { buildRecallView } from './recall-view.js';
import { getLot } from './state.js';
import { TraceViewCache } from './view-cache.js';

const notFound = (code: string) => new ApiError('lot_not_found', `no lot with trace code ${code}`);

const lotCode = (raw: unknown): string => {
  if (typeof raw !== 'string') throw notFound(String(raw).slice(0, 80));
  if (!ID_PATTERN.test(raw)) throw notFound(raw.slice(0, 80));
  return raw;
};

/** The public page a QR code opens (SPEC §4 ANXIN_PUBLIC_URL). */
export const tracePageUrl = (publicUrl: string, code: string): string => `${publicUrl}/trace/${encodeURIComponent(code)}`;

export const traceRoutes = (services: Services): Router => {
  const { ledger } = services;
  const views = new TraceViewCache(ledger, services.now);
  const r = Router();

  r.get('/trace/:code', async (req, res) => {
    const code = lotCode(req.params.code);
    const view = await views.render(code, req.acceptsEncodings('gzip') === 'gzip');
    if (!view) throw notFound(code);
    // Public and cacheable, but revalidated: status can change with the clock (expiry).
    res.set({ ETag: view.etag, 'Cache-Control': 'no-cache', Vary: 'Accept-Encoding' }).type('application/json');
    if (view.gzip) res.set('Content-Encoding', 'gzip');
    res.send(view.body);
  });

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
