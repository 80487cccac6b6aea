/** Actor registry events and views (SPEC §5). */
import { z } from 'zod';
import { freeText } from './pii.js';
import { actorId, id, publicKey, role, timestamp } from './common.js';
import type { RouteDoc } from './routes.js';

export const TIERS = ['scale', 'group', 'brand', 'other', 'full'] as const;
export const tier = z.enum(TIERS);

const reason = freeText(1, 500);

export const actorRegister = z
  .strictObject({
    id: actorId,
    role,
    name: freeText(1, 200),
    publicKey,
    creditCode: z
      .string()
      .regex(/^[0-9A-Z]{18}$/, 'must be an 18-character unified social credit code')
      .optional(),
    region: freeText(1, 100).optional(),
    merchant: z.strictObject({ tier, custodian: actorId, insurer: actorId.optional() }).optional(),
  })
  .meta({ id: 'ActorRegisterBody' });

export const actorRotateKey = z.strictObject({ publicKey }).meta({ id: 'ActorRotateKeyBody' });
export const actorSuspend = z.strictObject({ id: actorId, reason }).meta({ id: 'ActorSuspendBody' });
export const actorReinstate = z.strictObject({ id: actorId, reason }).meta({ id: 'ActorReinstateBody' });

export type ActorRegisterBody = z.infer<typeof actorRegister>;

export const actorView = z
  .object({
    id,
    role,
    name: z.string(),
    status: z.enum(['active', 'suspended']),
    publicKey,
    creditCode: z.string().optional(),
    region: z.string().optional(),
    merchant: z.object({ tier, custodian: id, insurer: id.optional() }).optional(),
    registeredAt: timestamp,
    registeredIndex: z.number().int().nonnegative(),
    keyRotatedIndex: z.number().int().optional(),
    statusReason: z.string().optional(),
  })
  .meta({ id: 'Actor' });

export type ActorRecord = z.infer<typeof actorView>;

export const actorDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/actors/{id}',
    tag: 'actors',
    summary: 'An actor: registration, role, status and current key',
    auth: 'public',
    params: z.object({ id }),
    responses: { 200: { description: 'The actor', schema: actorView } },
    errors: ['not_found'],
  },
];
