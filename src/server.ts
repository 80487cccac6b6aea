/** The service: reads the configuration, opens the ledger, listens; shuts down gracefully on SIGTERM/SIGINT. */
import type { Server } from 'node:http';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { readKeyFile, SigPool } from '../ledger/index.js';
import { openWebhooks } from './webhooks/index.js';
import { buildApp } from './app.js';
import { DEFAULT_SIG_BACKLOG, loadConfig, type Config } from './config.js';
import { AccessLog } from './http/access-log.js';
import { openLedger } from './service.js';
import { logVkey } from './tlog/service.js';
import { loadWitnessPolicy, WitnessSubmitter } from './tlog/witnessing.js';

export interface Running {
  server: Server;
  config: Config;
  logger: Logger;
  close(): Promise<void>;
}

/** The one logger: structured JSON lines on stdout (pino), at ANXIN_LOG_LEVEL. */
export const createLogger = (config: Pick<Config, 'logLevel'>): Logger =>
  pino({ level: config.logLevel ?? 'info', base: { service: 'anxin' } });

export const startServer = async (config: Config = loadConfig(), logger: Logger = createLogger(config)): Promise<Running> => {
  const { ledger } = await openLedger(config);
  let witnessing: WitnessSubmitter | undefined;
  try {
    // The policy's log line must carry this service's own key: refuse to start otherwise.
    if (config.witnessPolicy)
      witnessing = new WitnessSubmitter(ledger, loadWitnessPolicy(config.witnessPolicy, logVkey(ledger.origin, ledger.operatorKey)), {
        log: (line) => logger.warn(line),
      }).start();
  } catch (e) {
    await ledger.close();
    throw e;
  }
  const pool = new SigPool(config.sigThreads, { nice: config.sigNice, maxBacklog: config.sigBacklog ?? DEFAULT_SIG_BACKLOG });
  const accessLog = await AccessLog.open(join(config.dataDir, 'access-log'));
  const webhooks = await openWebhooks({
    path: config.webhookDataDir ?? join(config.dataDir, 'webhooks'),
    ledger,
    operator: readKeyFile(config.operatorKeyPath),
    allow: config.webhookAllow,
  });
  const app = buildApp({ ledger, config, logger, accessLog, pool, preverify: (k, m, s) => pool.verify(k, m, s), witnessing, webhooks });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, () => resolve(s));
    s.once('error', reject);
  });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Stop accepting; in-flight requests finish; idle keep-alive sockets close.
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      const force = setTimeout(() => server.closeAllConnections(), 10_000).unref();
      await stopped;
      clearTimeout(force);
      await webhooks.close();
      await witnessing?.stop();
      await ledger.close();
      await accessLog.close();
      await pool.close();
    })());
  return { server, config, logger, close };
};

const redactUrl = (url: string): string => url.replace(/(\/\/[^:/@]*):[^@/]*@/, '$1:***@');

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    console.error(`anxin: cannot start: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
  const logger = createLogger(config);
  startServer(config, logger)
    .then((running) => {
      const addr = running.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : running.config.port;
      const stop = (signal: string) => {
        logger.info({ signal }, `anxin: ${signal}, shutting down`);
        running.close().then(
          () => process.exit(0),
          (err) => {
            logger.error({ err }, 'anxin: shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
      // Announced only once the handlers are in place: a supervisor that stops the
      // service as soon as it is up must get a graceful shutdown, not the default kill.
      logger.info(
        {
          port,
          origin: running.config.origin,
          dataDir: running.config.dataDir,
          database: running.config.database && redactUrl(running.config.database),
        },
        `anxin: listening on http://localhost:${port} (ledger ${running.config.origin}, ${running.config.database ? `database ${redactUrl(running.config.database)}` : `data ${running.config.dataDir}`})`,
      );
    })
    .catch((e) => {
      console.error(`anxin: cannot start: ${e instanceof Error ? e.message : e}`);
      process.exit(1);
    });
}
