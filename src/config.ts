/** Service configuration from the environment (SPEC §4), validated at the edge. */
import { join } from 'node:path';
import { z } from 'zod';

export interface Config {
  port: number;
  /** LevelDB directory; with `database`, where the key files live. */
  dataDir: string;
  /** PostgreSQL URL (ANXIN_DATABASE_URL): the ledger lives there instead of in `dataDir`. */
  database?: string;
  origin: string;
  operatorKeyPath: string;
  /** Root regulator's public key for a new ledger; undefined = generate a dev key pair. */
  regulatorPublicKey: string | undefined;
  regulatorId: string;
  maxSkewS: number;
  publicUrl: string;
  /** Webhook subscriptions' own LevelDB (ANXIN_WEBHOOK_DATA; default `<dataDir>/webhooks`, a LevelDB of its own inside the ledger's directory, which LevelDB leaves alone). */
  webhookDataDir?: string;
  /** ANXIN_WEBHOOK_ALLOW: host names and CIDRs deliveries may reach (default loopback only). */
  webhookAllow?: string;
  /** Signature checks waiting at most (ANXIN_SIG_BACKLOG); beyond it ingest answers 503 `unavailable`. */
  sigBacklog?: number;
  /** Signature worker threads (ANXIN_SIG_THREADS; default one per core). */
  sigThreads?: number;
  /** Nice value of the signature worker threads (ANXIN_SIG_NICE, 0–19; default 0). */
  sigNice?: number;
  /** A C2SP tlog-policy file: witness cosigning (SPEC §12). */
  witnessPolicy?: string;
  /** Limits of the HTTP server and pipeline; absent (as in tests that build a Config) = Node's defaults, no rate limits. */
  http?: HttpSettings;
  /** pino level: fatal, error, warn, info (default), debug (one line per request), trace, silent. */
  logLevel?: string;
}

export const DEFAULT_SIG_BACKLOG = 8192;

/** What an operator bounds (README, docs/API.md "Limits"). 0 turns a rate limit off. */
export interface HttpSettings {
  /** A request's headers must be complete within this (slow clients are cut with 408). */
  headersTimeoutMs: number;
  /** A whole request (headers and body) must be received within this. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Open connections beyond this are refused (closed at once). */
  maxConnections: number;
  /** All of a request's header lines together (Node answers 431 beyond). */
  maxHeaderBytes: number;
  /** Writes (POST) per client address per second. */
  writesPerSecond: number;
  /** Expensive reads (verification, exports, scans) per client address per minute. */
  expensiveReadsPerMinute: number;
}

export const HTTP_DEFAULTS: HttpSettings = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_000,
  maxHeaderBytes: 16 * 1024,
  writesPerSecond: 100,
  expensiveReadsPerMinute: 60,
};

const env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  ANXIN_DATA: z.string().min(1).default('./data'),
  ANXIN_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  ANXIN_ORIGIN: z
    .string()
    .regex(/^[^\s+]+$/, 'must be a key name without spaces or "+"')
    .default('anxin.local/ledger'),
  ANXIN_OPERATOR_KEY: z.string().min(1).optional(),
  ANXIN_REGULATOR_PUBKEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url Ed25519 public key')
    .optional(),
  ANXIN_REGULATOR_ID: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/)
    .default('regulator'),
  ANXIN_MAX_SKEW_S: z.coerce.number().int().positive().default(600),
  ANXIN_PUBLIC_URL: z.string().url().optional(),
  ANXIN_WEBHOOK_DATA: z.string().min(1).optional(),
  ANXIN_WEBHOOK_ALLOW: z.string().optional(),
  ANXIN_SIG_BACKLOG: z.coerce.number().int().positive().default(DEFAULT_SIG_BACKLOG),
  ANXIN_SIG_THREADS: z.coerce.number().int().min(1).max(256).optional(),
  ANXIN_SIG_NICE: z.coerce.number().int().min(0).max(19).default(0),
  ANXIN_WITNESS_POLICY: z.string().min(1).optional(),
  ANXIN_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(HTTP_DEFAULTS.headersTimeoutMs),
  ANXIN_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(HTTP_DEFAULTS.requestTimeoutMs),
  ANXIN_KEEPALIVE_TIMEOUT_MS: z.coerce.number().int().min(0).default(HTTP_DEFAULTS.keepAliveTimeoutMs),
  ANXIN_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(HTTP_DEFAULTS.maxConnections),
  ANXIN_MAX_HEADER_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024)
    .default(HTTP_DEFAULTS.maxHeaderBytes),
  ANXIN_RATE_WRITES: z.coerce.number().int().min(0).default(HTTP_DEFAULTS.writesPerSecond),
  ANXIN_RATE_EXPENSIVE: z.coerce.number().int().min(0).default(HTTP_DEFAULTS.expensiveReadsPerMinute),
  ANXIN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Reads the configuration; throws an Error naming every bad variable. */
export const loadConfig = (vars: NodeJS.ProcessEnv = process.env): Config => {
  const parsed = env.safeParse(vars);
  if (!parsed.success)
    throw new Error('bad configuration: ' + parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const e = parsed.data;
  return {
    port: e.PORT,
    dataDir: e.ANXIN_DATA,
    ...(e.ANXIN_DATABASE_URL ? { database: e.ANXIN_DATABASE_URL } : {}),
    origin: e.ANXIN_ORIGIN,
    operatorKeyPath: e.ANXIN_OPERATOR_KEY ?? join(e.ANXIN_DATA, 'operator.key'),
    regulatorPublicKey: e.ANXIN_REGULATOR_PUBKEY,
    regulatorId: e.ANXIN_REGULATOR_ID,
    maxSkewS: e.ANXIN_MAX_SKEW_S,
    sigBacklog: e.ANXIN_SIG_BACKLOG,
    ...(e.ANXIN_SIG_THREADS ? { sigThreads: e.ANXIN_SIG_THREADS } : {}),
    sigNice: e.ANXIN_SIG_NICE,
    publicUrl: (e.ANXIN_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    webhookDataDir: e.ANXIN_WEBHOOK_DATA ?? join(e.ANXIN_DATA, 'webhooks'),
    webhookAllow: e.ANXIN_WEBHOOK_ALLOW,
    ...(e.ANXIN_WITNESS_POLICY ? { witnessPolicy: e.ANXIN_WITNESS_POLICY } : {}),
    http: {
      headersTimeoutMs: e.ANXIN_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: Math.max(e.ANXIN_REQUEST_TIMEOUT_MS, e.ANXIN_HEADERS_TIMEOUT_MS),
      keepAliveTimeoutMs: e.ANXIN_KEEPALIVE_TIMEOUT_MS,
      maxConnections: e.ANXIN_MAX_CONNECTIONS,
      maxHeaderBytes: e.ANXIN_MAX_HEADER_BYTES,
      writesPerSecond: e.ANXIN_RATE_WRITES,
      expensiveReadsPerMinute: e.ANXIN_RATE_EXPENSIVE,
    },
    logLevel: e.ANXIN_LOG_LEVEL,
  };
};
