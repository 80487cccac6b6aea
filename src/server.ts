/** The service: reads the configuration, opens the ledger, listens; shuts down gracefully on SIGTERM/SIGINT. */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { AccessLog } from './http/access-log.js';
import type { Express } from 'express';
import { SigPool } from '../ledger/index.js';
import { buildApp } from './app.js';
import { fastPath, type FastRoute } from './http/fast-routes.js';
import { DEFAULT_SIG_BACKLOG, loadConfig, type Config } from './config.js';
import { openLedger } from './service.js';

export interface Running {
  server: Server;
  config: Config;
  close(): Promise<void>;
}

/** The HTTP server: the hot routes answer ahead of Express (see http/fast-routes.ts); everything else is the app. */
export const createHttpServer = (app: Express): Server => {
  const fast = fastPath(app.locals.fastRoutes as FastRoute[]);
  return createServer((req, res) => {
    if (!fast(req, res)) app(req, res);
  });
};

export const startServer = async (config: Config = loadConfig()): Promise<Running> => {
  const { ledger } = await openLedger(config);
  const pool = new SigPool(undefined, { maxBacklog: config.sigBacklog ?? DEFAULT_SIG_BACKLOG });
  const accessLog = await AccessLog.open(join(config.dataDir, 'access-log'));
  const app = buildApp({ ledger, config, accessLog, pool, preverify: (k, m, s) => pool.verify(k, m, s) });
  const server = createHttpServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, () => resolve());
  });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Stop accepting; in-flight requests finish; idle keep-alive sockets close.
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      const force = setTimeout(() => server.closeAllConnections(), 10_000).unref();
      await stopped;
      clearTimeout(force);
      await ledger.close();
      await accessLog.close();
      await pool.close();
    })());
  return { server, config, close };
};

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  startServer()
    .then((running) => {
      const addr = running.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : running.config.port;
      const stop = (signal: string) => {
        console.log(`anxin: ${signal}, shutting down`);
        running.close().then(
          () => process.exit(0),
          (e) => {
            console.error(e);
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
      // Announced only once the handlers are in place: a supervisor that stops the
      // service as soon as it is up must get a graceful shutdown, not the default kill.
      console.log(`anxin: listening on http://localhost:${port} (ledger ${running.config.origin}, data ${running.config.dataDir})`);
    })
    .catch((e) => {
      console.error(`anxin: cannot start: ${e instanceof Error ? e.message : e}`);
      process.exit(1);
    });
}
