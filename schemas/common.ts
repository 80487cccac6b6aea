/** Wire primitives of SPEC §1, shared by every schema. */
import { z } from 'zod';

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const EVENT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const HOLDER_PREFIX = 'card:';

/** Actor, card, complaint, shipment and trace-code ids. */
export const id = z.string().regex(ID_PATTERN, 'must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$');
/** A registered actor's id: an id that does not start with "card:" (SPEC §2). */
export const actorId = id.refine((s) => !s.startsWith(HOLDER_PREFIX), 'must not start with "card:"');
/** Who may sign an event: a registered actor, or `card:<cardId>` for the holder of that card. */
export const actorRef = z.union([actorId, z.string().regex(new RegExp(`^${HOLDER_PREFIX}[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$`))]);
export const eventId = z.string().regex(EVENT_ID_PATTERN, 'must match ^[A-Za-z0-9_-]{8,64}$');

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Whether a string of the ISO_MS shape names a real instant: the one Date would print back
 * (`new Date(Date.parse(s)).toISOString() === s`), decided by arithmetic on its digits —
 * every event carries a timestamp, and a Date and a string per check showed in the replay's profile.
 */
export const isRealInstant = (s: string): boolean => {
  const n = (i: number, len: number) => {
    let v = 0;
    for (let k = i; k < i + len; k++) v = v * 10 + s.charCodeAt(k) - 48;
    return v;
  };
  const year = n(0, 4);
  const month = n(5, 2);
  const day = n(8, 2);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return month >= 1 && month <= 12 && day >= 1 && day <= days && n(11, 2) <= 23 && n(14, 2) <= 59 && n(17, 2) <= 59;
};

/** RFC 3339 UTC with milliseconds, and a real calendar instant. */
export const timestamp = z
  .string()
  .regex(ISO_MS, 'must be RFC 3339 UTC with milliseconds, e.g. 2026-11-22T08:00:00.000Z')
  .refine(isRealInstant, 'is not a real instant');

export const hash = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters');
export const publicKey = z.string().regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'must be a 32-byte Ed25519 key in unpadded base64url');
export const signature = z.string().regex(/^[A-Za-z0-9_-]{85}[AQgw]$/, 'must be a 64-byte signature in unpadded base64url');

/** Integer fen, a safe integer > 0. */
export const money = z.number().int('must be an integer number of fen').positive().max(Number.MAX_SAFE_INTEGER);
export const positive = z.number().positive().finite();

export const UNITS = ['kg', 'g', 't', 'L', 'piece', 'box'] as const;
export const unit = z.enum(UNITS);
export const quantity = z.strictObject({ amount: positive.max(1e15), unit });

export const ROLES = [
  'regulator',
  'auditor',
  'merchant',
  'custodian',
  'insurer',
  'producer',
  'processor',
  'carrier',
  'inspector',
  'retailer',
] as const;
/** Registered roles; `holder` is implicit (card:<id>). */
export const role = z.enum(ROLES);
export type Role = (typeof ROLES)[number] | 'holder';

/** A problem+json body (RFC 9457) with the stable `code`. */
export const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    errors: z.array(z.object({ i: z.number().int(), code: z.string(), detail: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });
