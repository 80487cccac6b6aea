/**
 * The events the anomaly engine reads, as one union inferred (z.infer) from the
 * body schemas the card and food rules register (schemas/cards.ts
 * CARD_EVENT_BODIES, schemas/trace.ts TRACE_EVENT_BODIES), so a handler sees
 * exactly the fields its event type's schema admits.
 */
import type { z } from 'zod';
import type { Envelope } from '../../../ledger/index.js';
import type { CARD_EVENT_BODIES } from '../../../schemas/cards.js';
import type { TRACE_EVENT_BODIES } from '../../../schemas/trace.js';

type Bodies = typeof CARD_EVENT_BODIES & typeof TRACE_EVENT_BODIES;

/** The type names of the observed events. */
export type ObservedType = keyof Bodies;

/** An accepted event of type `T` (default: any observed type), its body typed by that type's schema. */
export type ObservedEvent<T extends ObservedType = ObservedType> = {
  [K in T]: Omit<Envelope, 'type' | 'body'> & { type: K; body: z.infer<Bodies[K]> };
}[T];
