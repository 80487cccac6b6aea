/**
 * The Node HTTP server with the operator's limits (config.ts HttpSettings):
 * header and request timeouts (a slow client is cut with 408), the keep-alive
 * timeout, the total header size (431) and a connection cap (connections
 * beyond it are closed at once). Without settings, Node's defaults.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { HttpSettings } from '../config.js';

export const createHttpServer = (listener: RequestListener, settings?: HttpSettings): Server => {
  if (!settings) return createServer(listener);
  const server = createServer(
    {
      maxHeaderSize: settings.maxHeaderBytes,
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      // How often Node checks the two timeouts above (its default, 30 s, would let a slow client stay that long).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(settings.headersTimeoutMs / 4))),
      keepAliveTimeout: settings.keepAliveTimeoutMs,
    },
    listener,
  );
  server.maxConnections = settings.maxConnections;
  return server;
};
