/** Service configuration from the environment (SPEC §4), validated at the edge. */
import { join } from 'node:path';
import { z } from 'zod';

export interface Config {
  port: number;
  dataDir: string;
  origin: string;
  operatorKeyPath: string;
  /** Root regulator's public key for a new ledger; undefined = generate a dev key pair. */
  regulatorPublicKey: string | undefined;
  regulatorId: string;
  maxSkewS: number;
  publicUrl: string;
  /** Signature checks waiting at most (ANXIN_SIG_BACKLOG); beyond it ingest answers 503 `unavailable`. */
  sigBacklog?: number;
}

export const DEFAULT_SIG_BACKLOG = 8192;

const env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  ANXIN_DATA: z.string().min(1).default('./data'),
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
  ANXIN_SIG_BACKLOG: z.coerce.number().int().positive().default(DEFAULT_SIG_BACKLOG),
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
    origin: e.ANXIN_ORIGIN,
    operatorKeyPath: e.ANXIN_OPERATOR_KEY ?? join(e.ANXIN_DATA, 'operator.key'),
    regulatorPublicKey: e.ANXIN_REGULATOR_PUBKEY,
    regulatorId: e.ANXIN_REGULATOR_ID,
    maxSkewS: e.ANXIN_MAX_SKEW_S,
    sigBacklog: e.ANXIN_SIG_BACKLOG,
    publicUrl: (e.ANXIN_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
  };
};
