/**
 * The pages people use (SPEC §11), server-rendered from committed state:
 *
 *   /                 enter a trace code or a merchant id
 *   /trace/{code}     the consumer trace page (what a QR code opens)
 *   /m/{merchantId}   the prepaid-card check
 *   /regulator        the regulator dashboard (signed in with a key file, in the browser)
 *   /bank, /insurer, /complaints   the same shell for the card's other parties (SPEC §14): bank and insurer
 *                     views, the complaint desk — the browser switches on the role that signs in
 *   /wallet           the card holder's wallet; /wallet/confirm#…, /wallet/accept#… (SPEC §14)
 *   /pos              the merchant's counter (merchant key file), and /pos/qr.svg
 *
 * plus their static files (assets.ts). Mounted outside /v1 by one line in app.ts.
 * Errors on these paths answer as HTML pages, not problem+json.
 */
import { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { ID_PATTERN } from '../../schemas/common.js';
import { getActor } from '../actors/index.js';
import { findMerchant, publicMerchantView } from '../cards/index.js';
import { ratingView } from '../cards/routes.js';
import { merchantStars } from '../regulator/index.js';
import type { Services } from '../http/plugin-http.js';
import { assetRoutes } from './assets.js';
import { pageContext } from './context.js';
import { html } from './html.js';
import { renderHome } from './home.js';
import { renderPage, sendPage } from './layout.js';
import { renderMerchantNotFound, renderMerchantPage } from './merchant/page.js';
import { renderRegulatorPage } from './regulator/page.js';
import { renderPosPage, renderWalletPage } from './wallet/page.js';
import QRCode from 'qrcode';
import { loadTrace } from './trace/data.js';
import { renderTraceNotFound, renderTracePage } from './trace/page.js';
import { TracePageCache } from './trace/page-cache.js';

const param = (req: Request, name: string): string => {
  const v = req.params[name];
  return typeof v === 'string' ? v : '';
};

/** A redirect from a GET form (?code= / ?id=) to the page, keeping ?lang=. */
const formRedirect = (base: string, field: string) => (req: Request, res: Response) => {
  const value = typeof req.query[field] === 'string' ? (req.query[field] as string).trim() : '';
  const lang = typeof req.query.lang === 'string' ? `?lang=${encodeURIComponent(req.query.lang)}` : '';
  res.redirect(303, value ? `${base}/${encodeURIComponent(value)}${lang}` : `/${lang}`);
};

export const pageRoutes = (services: Services): Router => {
  const { ledger, config } = services;
  const anchor = () => ({ origin: ledger.origin, operatorKey: ledger.operatorKey });
  const r = Router();
  r.use(assetRoutes());

  r.get('/', (req, res) => {
    const ctx = pageContext(req);
    sendPage(res, ctx, 200, renderHome(ctx));
  });

  r.get('/trace', formRedirect('/trace', 'code'));
  const tracePages = new TracePageCache(ledger, services.now);
  r.get('/trace/:code', (req, res) => {
    const code = param(req, 'code');
    // The page depends on the code and the language only (other query parameters are dropped), so it can be cached.
    const ctx = { ...pageContext(req), switchTo: (l: string) => `/trace/${encodeURIComponent(code)}?lang=${l}` };
    const page = ID_PATTERN.test(code)
      ? tracePages.get(code, `${ctx.lang} ${ctx.explicit}`, () => {
          const data = loadTrace(ledger, code, services.now());
          return data && renderTracePage(ctx, data, anchor());
        })
      : undefined;
    if (page === undefined) return sendPage(res, ctx, 404, renderTraceNotFound(ctx, code.slice(0, 80)));
    sendPage(res, ctx, 200, page);
  });

  r.get('/m', formRedirect('/m', 'id'));
  r.get('/m/:id', async (req, res) => {
    const ctx = pageContext(req);
    const id = param(req, 'id');
    const merchant = ID_PATTERN.test(id) ? findMerchant(ledger, id) : undefined;
    if (!merchant) return sendPage(res, ctx, 404, renderMerchantNotFound(ctx, id.slice(0, 80)));
    const page = await renderMerchantPage(ctx, {
      view: publicMerchantView(merchant, merchantStars(ledger, merchant, services.now())),
      region: merchant.actor.region,
      creditCode: merchant.actor.creditCode,
      custodianName: getActor(ledger, merchant.custodian)?.name,
      url: `${config.publicUrl}/m/${encodeURIComponent(merchant.actor.id)}`,
      rating: await ratingView(services, merchant),
      anchor: anchor(),
    });
    sendPage(res, ctx, 200, page);
  });

  // The holder's wallet (SPEC §14); /wallet/confirm#… and /wallet/accept#… carry an envelope in the fragment,
  // which never reaches the server.
  for (const path of ['/wallet', '/wallet/confirm', '/wallet/accept'])
    r.get(path, (req, res) => {
      const ctx = pageContext(req);
      sendPage(res, ctx, 200, renderWalletPage(ctx, anchor()));
    });
  r.get('/pos', (req, res) => {
    const ctx = pageContext(req);
    sendPage(res, ctx, 200, renderPosPage(ctx, anchor()));
  });
  // The counter's QR code of a wallet link on this site (bounded; nothing but a local /wallet/ link is drawn).
  r.get('/pos/qr.svg', async (req, res) => {
    const link = typeof req.query.link === 'string' ? req.query.link : '';
    if (!/^\/wallet\/(confirm|accept)#[A-Za-z0-9_-]{1,3000}$/.test(link)) return void res.status(400).type('text').send('bad link');
    const svg = await QRCode.toString(`${config.publicUrl}${link}`, { type: 'svg', errorCorrectionLevel: 'L', margin: 2 });
    res.set({ 'Content-Security-Policy': "default-src 'none'", 'Cache-Control': 'no-store' }).type('image/svg+xml').send(svg);
  });

  r.get('/regulator', (req, res) => {
    const ctx = pageContext(req);
    const recall = typeof req.query.recall === 'string' && ID_PATTERN.test(req.query.recall) ? req.query.recall : '';
    sendPage(res, ctx, 200, renderRegulatorPage(ctx, anchor(), recall));
  });
  // The card parties' views (SPEC §14): the same shell and script, switching on the role that signs in.
  for (const shell of ['bank', 'insurer', 'complaints'] as const)
    r.get(`/${shell}`, (req, res) => {
      const ctx = pageContext(req);
      sendPage(res, ctx, 200, renderRegulatorPage(ctx, anchor(), '', shell));
    });

  r.use(pageErrors);
  return r;
};

/** A bad path (undecodable percent-encoding) is 400; anything else is 500 and logged. Nothing internal is shown. */
const pageErrors: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) return next(err);
  const ctx = pageContext(req);
  const bad = err instanceof URIError;
  if (!bad) console.error(err);
  const body = html`<article class="card notfound"><h1>${ctx.t.errorTitle}</h1><p>${bad ? ctx.t.errorBadRequest : ctx.t.errorInternal}</p></article>`;
  sendPage(res, ctx, bad ? 400 : 500, renderPage(ctx, { title: ctx.t.errorTitle, body }));
};
