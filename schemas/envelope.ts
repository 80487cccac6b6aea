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
    subjects: z
      .object({
        root: hash,
        note: z.string().meta({ description: 'the subject note: `<origin>/subjects`, size, base64 root, signed by the operator' }),
      })
      .optional()
      .meta({ description: 'the subject map at this size (SPEC §12)' }),
  })
  .meta({ id: 'Checkpoint' });

export const subjectHead = z
  .object({ count: z.number().int().positive(), last: z.number().int().nonnegative(), chain: hash })
  .meta({ id: 'SubjectHead', description: 'chain_k = SHA-256(chain_{k-1} ‖ leaf_k), chain_0 = 32 zero bytes (SPEC §12)' });

export const completeness = z
  .object({
    size: z.number().int().positive().meta({ description: 'the checkpoint size every head and proof is at' }),
    note: z.string().meta({ description: 'the operator subject note at `size`' }),
    subjects: z.array(
      z.object({
        subject: z.string().meta({ description: 'lot:<code>, card:<id> or merchant:<id>' }),
        head: subjectHead.nullable().meta({ description: 'null: no entry concerns the subject (proved absent)' }),
        proof: z.object({
          siblings: z.array(hash).meta({ description: 'sibling hashes from the root down' }),
          other: z.object({ key: hash, value: hash }).optional(),
        }),
        indexes: z.array(z.number().int().nonnegative()).meta({ description: "the subject's entries, ascending" }),
      }),
    ),
  })
  .meta({
    id: 'Completeness',
    description: 'Proof that the view holds every entry about each subject it relies on, up to the checkpoint (SPEC §12)',
  });

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
