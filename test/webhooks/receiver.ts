/**
 * A webhook receiver for the tests: a real HTTP server on loopback that checks
 * every delivery as a subscriber would — Content-Digest against the body, the
 * RFC 9421 signature against the operator key pinned from GET /v1/ledger with
 * keyid = the log origin — and de-duplicates by (topic, index). It can answer
 * 503, redirect, or be down altogether (closed), and come back on the same port.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromBase64Url, nodeSuite, utf8 } from '../../ledger/index.js';
import { contentDigest, DELIVERY_COMPONENTS, deliverySignatureBase } from '../../src/webhooks/index.js';
import { parseProfileSignature } from '../../src/webhooks/signature.js';

export interface Received {
  topic: string;
  index: number;
  data: any;
}

export type Mode = 'ok' | 'fail' | { redirect: string };

export class Receiver {
  /** Every verified delivery, duplicates included, in arrival order. */
  readonly raw: Received[] = [];
  /** Deliveries that failed verification (must stay empty). */
  readonly bad: string[] = [];
  /** Requests of any kind, counted. */
  hits = 0;
  mode: Mode = 'ok';
  private server: Server | undefined;
  port = 0;

  constructor(
    private readonly origin: string,
    private readonly operatorKey: string,
    readonly path = '/hooks/anxin',
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}${this.path}`;
  }

  /** Deliveries once each, by (topic, index), in first-arrival order. */
  get unique(): Received[] {
    const seen = new Set<string>();
    return this.raw.filter((m) => {
      const k = `${m.topic}:${m.index}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.hits++;
        const body = Buffer.concat(chunks);
        if (this.mode === 'fail') return res.writeHead(503).end();
        if (typeof this.mode === 'object') return res.writeHead(302, { location: this.mode.redirect }).end();
        const problem = this.check(req, body);
        if (problem) {
          this.bad.push(problem);
          return res.writeHead(400).end();
        }
        this.raw.push(JSON.parse(body.toString('utf8')) as Received);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Down: the port refuses connections until start(port) again. */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private check(req: IncomingMessage, body: Buffer): string | undefined {
    const digest = req.headers['content-digest'];
    if (digest !== contentDigest(body)) return `digest ${digest}`;
    const sig = parseProfileSignature(req.headers['signature-input'] as string, req.headers['signature'] as string, DELIVERY_COMPONENTS);
    if (typeof sig === 'string') return sig;
    if (sig.keyid !== this.origin) return `keyid ${sig.keyid}`;
    const base = deliverySignatureBase(req.method!, `http://127.0.0.1:${this.port}${req.url}`, digest, sig.params);
    if (!nodeSuite.verify(fromBase64Url(this.operatorKey)!, utf8(base), sig.signature)) return 'signature';
    return undefined;
  }
}

/** Polls `cond` until it holds (the test's own timeout bounds the wait). */
export const waitFor = async (cond: () => boolean, what: string): Promise<void> => {
  for (let i = 0; !cond(); i++) {
    if (i > 1500) throw new Error(`still waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
