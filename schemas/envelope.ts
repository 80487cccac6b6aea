/** The signed event envelope (SPEC §2) and the ledger's wire objects (SPEC §3, §8). */
import { z } from 'zod';
import { actorRef, eventId, hash, id, signature, timestamp } from './common.js';

export const envelope = z
  .strictObject({
    v: z.literal(1),
    id: eventId,
    type: z
      .string()
      .regex(/^[a-z]+(\.[a-zA-Z]+)+$/, 'must be an event type such as card.issue')
      .max(64),
    actor: actorRef,
    at: timestamp,
    body: z.record(z.string(), z.unknown()),
    sig: signature,
    cosig: z
      .strictObject({ holder: signature.optional(), newHolder: signature.optional() })
      .refine((c) => c.holder !== undefined || c.newHolder !== undefined, 'must carry holder or newHolder')
      .optional()
      .meta({ description: "holder: the card holder's signature (SPEC §6, §14); newHolder: the new key's (card.transfer, card.rekey)" }),
  })
  .meta({ id: 'Envelope', description: 'A signed event; sig signs "anxin/event/v1\\n" + JCS(envelope without sig and cosig).' });
export type EnvelopeInput = z.infer<typeof envelope>;

export const checkpoint = z
  .object({
    origin: z.string(),
    size: z.number().int().nonnegative(),
    root: hash,
    head: hash,
    note: z.string().meta({ description: 'C2SP tlog-checkpoint signed note' }),
  })
  .meta({ id: 'Checkpoint' });

export const receipt = z
  .object({ index: z.number().int().nonnegative(), at: timestamp, leaf: hash, hash, checkpoint })
  .meta({ id: 'Receipt' });

export const entry = z
  .object({ index: z.number().int().nonnegative(), at: timestamp, event: envelope, leaf: hash, prev: hash, hash })
  .meta({ id: 'Entry' });

export const batchRequest = z.strictObject({ events: z.array(z.unknown()).min(1).max(1000) }).meta({ id: 'BatchRequest' });
export const batchResponse = z.object({ receipts: z.array(receipt) }).meta({ id: 'BatchReceipts' });

export const ledgerInfo = z
  .object({
    origin: z.string(),
    operatorKey: z.string(),
    vkey: z.string().meta({ description: 'The log key as a C2SP signed-note verifier key: <origin>+<hex key ID>+<base64(0x01 ‖ key)>' }),
  })
  .meta({ id: 'LedgerInfo', description: 'The trust anchor a verifier pins.' });

export const latestCheckpoint = checkpoint
  .extend({
    cosigned: z
      .object({
        size: z.number().int().nonnegative(),
        note: z.string().meta({ description: 'The checkpoint with its operator signature and every witness cosignature received' }),
      })
      .nullable()
      .meta({
        description:
          'The newest checkpoint that meets the witness quorum of ANXIN_WITNESS_POLICY; null without a policy or before one does',
      }),
  })
  .meta({ id: 'LatestCheckpoint' });

export const consistencyProof = z
  .object({ from: z.number().int(), to: z.number().int(), proof: z.array(hash) })
  .meta({ id: 'ConsistencyProof' });

export const entryWithProof = z
  .object({ entry, proof: z.object({ size: z.number().int(), path: z.array(hash) }), checkpoint })
  .meta({ id: 'EntryWithProof' });

export const entryPage = z.object({ entries: z.array(entry), next: z.string().nullable() }).meta({ id: 'EntryPage' });

export const indexParam = z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
export const cardOrActorId = id;
