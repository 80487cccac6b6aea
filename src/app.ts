/**
 * The app, built from its dependencies: the one /v1 pipeline (http/pipeline.ts)
 * for every API route, and Express for what is not API — the pages, Swagger UI
 * at /docs, /openapi.yaml and /healthz. It never listens by itself (server.ts
 * does, or `app.listen` for tests and the demo), so tests drive the real app
 * with supertest: the app is a Node request listener.
 */
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import { parse as parseYaml } from 'yaml';
import type { Ledger, SigPool } from '../ledger/index.js';
import type { Config } from './config.js';
import { Catalogue } from './domain/catalogue.js';
import { authenticator } from './http/auth.js';
import type { AccessLog } from './http/access-log.js';
import { accessLogRoutes } from './http/access-log-routes.js';
import { bindMetrics, metricsRegistry } from './metrics.js';
import { ingestRoutes } from './http/events.js';
import { ledgerRoutes } from './http/ledger-routes.js';
import { RateLimits } from './http/limits.js';
import { createHttpServer } from './http/listen.js';
import { createPipeline } from './http/pipeline.js';
import { notFoundHandler, problemHandler } from './http/problem.js';
import type { Route } from './http/route.js';
import { Ingest, type AsyncVerify } from './ingest.js';
import type { Services } from './http/plugin-http.js';
import { domainsOf, PLUGINS, type Plugin } from './plugins.js';
import { pageRoutes } from './pages/index.js';
import { publicCors } from './tlog/cors.js';
import { webhookRoutes, type Webhooks } from './webhooks/index.js';
import { tlogService, type Witnessing } from './tlog/service.js';

export interface AppDeps {
  ledger: Ledger;
  config: Config;
  /** Milliseconds since the epoch; injectable for tests. Should be the ledger's clock too. */
  now?: () => number;
  plugins?: readonly Plugin[];
  /** The one logger (pino); when absent, errors only, as JSON lines on stdout. */
  logger?: Logger;
  /** Where authenticated reads are recorded (http/access-log.ts); none kept when absent. */
  accessLog?: AccessLog;
  /** The signature pool behind `preverify`, for its metrics. */
  pool?: SigPool;
  /** Off-thread signature checks for ingest (the server passes a SigPool); inline when absent. */
  preverify?: AsyncVerify;
  /** Records each /v1 answer (route, status, seconds), e.g. into Prometheus metrics; see http/pipeline.ts. */
  observeHttp?: (route: string, status: number, seconds: number) => void;
  /** Witness cosigning (ANXIN_WITNESS_POLICY); without it /tlog/checkpoint is the newest signed checkpoint. */
  witnessing?: Witnessing;
  /** Webhook subscriptions and delivery (src/webhooks/); /v1/subscriptions answers not_found without. */
  webhooks?: Webhooks;
}

/** The app: a Node request listener, plus what tests and tools need to see of it. */
export interface App extends RequestListener<typeof IncomingMessage, typeof ServerResponse> {
  /** Every route the pipeline serves: /v1, and the GS1 Digital Link and EPCIS paths. */
  readonly routes: readonly Route[];
  /** The Express app answering everything outside /v1 (pages, /docs, /openapi.yaml, /healthz). */
  readonly web: Express;
  /** Listens like http.Server#listen, on a server with the configured limits (http/listen.ts). */
  listen(port: number, hostOrListening?: string | (() => void), listening?: () => void): Server;
}

/** openapi.yaml at the project root (two levels up from src/ and from dist/src/). */
export const OPENAPI_PATH = [
  fileURLToPath(new URL('../openapi.yaml', import.meta.url)),
  fileURLToPath(new URL('../../openapi.yaml', import.meta.url)),
].find(existsSync);

export const buildApp = (deps: AppDeps): App => {
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? pino({ level: 'error' });
  const plugins = deps.plugins ?? PLUGINS;
  const catalogue = new Catalogue(domainsOf(plugins));
  const services: Services = {
    ledger: deps.ledger,
    now,
    config: deps.config,
    catalogue,
    principal: (actor) => catalogue.principal({ get: (k) => deps.ledger.get(k) }, actor),
    ...(deps.witnessing && { witnessed: () => deps.witnessing!.view() }),
  };
  const ingest = new Ingest(deps.ledger, catalogue, deps.config.maxSkewS, deps.preverify, now);
  const tlog = tlogService(deps.ledger, deps.witnessing, (err) => logger.error({ err }, 'internal error'));
  const routes: Route[] = [
    ...ingestRoutes(ingest),
    ...ledgerRoutes(services, tlog),
    ...accessLogRoutes(deps.accessLog),
    ...plugins.flatMap((p) => p.http?.routes?.(services) ?? []),
    ...webhookRoutes(services, deps.webhooks),
  ];
  const api = createPipeline({
    routes,
    authenticate: authenticator(services, catalogue),
    accessLog: deps.accessLog,
    logger,
    limits: deps.config.http && new RateLimits(deps.config.http),
    observe: deps.observeHttp,
  });

  const web = express();
  web.disable('x-powered-by');
  web.set('json spaces', 0);
  web.set('etag', false);
  // 200 while the ledger takes writes; 503 with the reason while it does not (it heals by itself, see ledger/health.ts).
  web.get('/healthz', (_req, res) => {
    const health = deps.ledger.health;
    if (health.ok) res.json({ ok: true, size: deps.ledger.size });
    else res.status(503).json({ ok: false, size: deps.ledger.size, reason: health.reason, since: health.since, probes: health.probes });
  });
  // Prometheus text (src/metrics.ts; other modules add theirs to the same default registry).
  bindMetrics(deps.ledger, deps.pool);
  web.get('/metrics', async (_req, res) => {
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  if (OPENAPI_PATH) {
    const text = readFileSync(OPENAPI_PATH, 'utf8');
    web.get('/openapi.yaml', (_req, res) => {
      res.type('application/yaml').send(text);
    });
    // Swagger UI may not be framed (clickjacking) nor have its files sniffed into another type.
    web.use('/docs', (_req, res, next) => {
      res.set({ 'X-Frame-Options': 'DENY', 'Content-Security-Policy': "frame-ancestors 'none'", 'X-Content-Type-Options': 'nosniff' });
      next();
    });
    web.use('/docs', swaggerUi.serve, swaggerUi.setup(parseYaml(text)));
  }
  web.use(pageRoutes(services));
  web.use(notFoundHandler);
  web.use(problemHandler((err) => logger.error({ err }, 'internal error')));

  const app = ((req: IncomingMessage, res: ServerResponse) => {
    // Public and signed reads answer CORS (SPEC §12); /tlog is the C2SP tiles view (src/tlog/routes.ts).
    if (publicCors(req, res)) return;
    if (tlog.handle(req, res)) return;
    if (!api(req, res)) web(req, res);
  }) as App;
  Object.assign(app, {
    routes,
    web,
    listen: (port: number, ...rest: unknown[]) => createHttpServer(app, deps.config.http).listen(port, ...(rest as [])),
  });
  return app;
};
