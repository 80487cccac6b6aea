/**
 * The Express app, built from its dependencies. It never listens (server.ts does),
 * so tests drive the real app with supertest.
 */
import express, { type Express } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import swaggerUi from 'swagger-ui-express';
import { parse as parseYaml } from 'yaml';
import type { Ledger, SigPool } from '../ledger/index.js';
import { bindMetrics, metricsRegistry } from './metrics.js';
import type { Config } from './config.js';
import { Catalogue } from './domain/catalogue.js';
import { authenticate } from './http/auth.js';
import type { AccessLog } from './http/access-log.js';
import { accessLogRoutes } from './http/access-log-routes.js';
import { ingestRoutes } from './http/events.js';
import { mountFast, type FastRoute } from './http/fast-routes.js';
import { ledgerRoutes } from './http/ledger-routes.js';
import { notFoundHandler, problemHandler } from './http/problem.js';
import { Ingest, type AsyncVerify } from './ingest.js';
import type { Services } from './http/plugin-http.js';
import { domainsOf, PLUGINS, type Plugin } from './plugins.js';
import { pageRoutes } from './pages/index.js';

export interface AppDeps {
  ledger: Ledger;
  config: Config;
  /** Milliseconds since the epoch; injectable for tests. Should be the ledger's clock too. */
  now?: () => number;
  plugins?: readonly Plugin[];
  log?: (err: unknown) => void;
  /** Where authenticated reads are recorded (http/access-log.ts); none kept when absent. */
  accessLog?: AccessLog;
  /** The signature pool behind `preverify`, for its metrics. */
  pool?: SigPool;
  /** Off-thread signature checks for ingest (the server passes a SigPool); inline when absent. */
  preverify?: AsyncVerify;
}

/** openapi.yaml at the project root (two levels up from src/ and from dist/src/). */
export const OPENAPI_PATH = [
  fileURLToPath(new URL('../openapi.yaml', import.meta.url)),
  fileURLToPath(new URL('../../openapi.yaml', import.meta.url)),
].find(existsSync);

export const buildApp = (deps: AppDeps): Express => {
  const now = deps.now ?? Date.now;
  const plugins = deps.plugins ?? PLUGINS;
  const catalogue = new Catalogue(domainsOf(plugins));
  const base = { ledger: deps.ledger, now };
  const services: Services = {
    ...base,
    config: deps.config,
    catalogue,
    principal: (actor) => catalogue.principal({ get: (k) => deps.ledger.get(k) }, actor),
    signed: authenticate(base, catalogue, true, deps.accessLog),
    maybeSigned: authenticate(base, catalogue, false, deps.accessLog),
  };
  const ingest = new Ingest(deps.ledger, catalogue, deps.config.maxSkewS, deps.preverify, now);
  const app = express();
  app.disable('x-powered-by');
  app.set('json spaces', 0);
  app.set('etag', false);

  // 200 while the ledger takes writes; 503 with the reason while it does not (it heals by itself, see ledger/health.ts).
  app.get('/healthz', (_req, res) => {
    const health = deps.ledger.health;
    if (health.ok) res.json({ ok: true, size: deps.ledger.size });
    else res.status(503).json({ ok: false, size: deps.ledger.size, reason: health.reason, since: health.since, probes: health.probes });
  });
  // Prometheus text (src/metrics.ts; other modules add theirs to the same default registry).
  bindMetrics(deps.ledger, deps.pool);
  app.get('/metrics', async (_req, res) => {
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  // The hot routes: mounted here, and answered ahead of Express by the server (see server.ts).
  const fastRoutes: FastRoute[] = [
    ...ingestRoutes(ingest, deps.log ?? ((err) => console.error(err))),
    ...plugins.flatMap((p) => p.http?.fastRoutes?.(services) ?? []),
  ];
  app.locals.fastRoutes = fastRoutes;
  app.use(mountFast(fastRoutes));
  app.use('/v1', ledgerRoutes(services));
  app.use('/v1', accessLogRoutes(services, deps.accessLog));
  for (const { http } of plugins) if (http?.routes) app.use('/v1', http.routes(services));

  if (OPENAPI_PATH) {
    const text = readFileSync(OPENAPI_PATH, 'utf8');
    app.get('/openapi.yaml', (_req, res) => {
      res.type('application/yaml').send(text);
    });
    // Swagger UI may not be framed (clickjacking) nor have its files sniffed into another type.
    app.use('/docs', (_req, res, next) => {
      res.set({ 'X-Frame-Options': 'DENY', 'Content-Security-Policy': "frame-ancestors 'none'", 'X-Content-Type-Options': 'nosniff' });
      next();
    });
    app.use('/docs', swaggerUi.serve, swaggerUi.setup(parseYaml(text)));
  }

  app.use(pageRoutes(services));
  app.use(notFoundHandler);
  app.use(problemHandler(deps.log));
  return app;
};
