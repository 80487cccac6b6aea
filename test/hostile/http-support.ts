/**
 * Helpers for the HTTP hostile-input tests: the real app with the operator's
 * limits (config.ts HttpSettings) listening on loopback, and raw requests
 * whose bytes, headers and pacing the test controls.
 */
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { buildApp, type App } from '../../src/app.js';
import { HTTP_DEFAULTS, type HttpSettings } from '../../src/config.js';
import { startFixture, type Fixture } from '../helpers/fixture.js';

export interface Limited {
  f: Fixture;
  app: App;
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** A fixture's ledger served by an app with `http` limits (defaults otherwise; rate limits off unless given). */
export const startLimited = async (http: Partial<HttpSettings> = {}, f?: Fixture): Promise<Limited> => {
  const fixture = f ?? (await startFixture());
  const settings: HttpSettings = { ...HTTP_DEFAULTS, writesPerSecond: 0, expensiveReadsPerMinute: 0, ...http };
  const app = buildApp({
    ledger: fixture.ledger,
    config: { ...fixture.config, http: settings },
    now: fixture.clock.now,
    logger: pino({ level: 'silent' }),
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    f: fixture,
    app,
    server,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!f) await fixture.close();
    },
  };
};

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: any;
}

/** One request with exactly these body bytes and headers (no client-side encoding); resolves with the answer. */
export const send = (
  port: number,
  method: string,
  path: string,
  body?: Uint8Array,
  headers: Record<string, string> = {},
): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, text, json });
      });
    });
    // The server may answer and close before the whole body is sent: that is an answer, not an error.
    req.on('error', reject);
    if (body) req.end(Buffer.from(body));
    else req.end();
  });

/** Asserts a problem+json answer with `code` and `status`. */
export const expectCode = (res: RawAnswer, status: number, code: string): void => {
  expect({ status: res.status, code: res.json?.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
};
