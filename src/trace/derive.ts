/**
 * What a lot's timeline says about the lot, derived from the entries alone: the
 * facts the trace rules write into its record (recall, latest inspection,
 * expiry, product) and from them its status, with the same `lotStatus` the
 * server uses. Portable (no Node.js, type-only imports besides state.ts): the
 * trace page runs it in the browser over the entries it has verified, so the
 * status banner is what the verified entries say, not what the server says.
 *
 * The timeline of a lot is its own entries and those of its ancestors (SPEC §8),
 * so every lot.recall in it reaches the lot (rules/recall.ts marks the recalled
 * lot and its descendants), and the most severe one wins, as there
 * (`strongerRecall`).
 */
import type { LotStatus, Origin, Product, StorageClass } from '../../schemas/trace.js';
import { lotStatus, strongerRecall, type Inspection, type Recall } from './state.js';

/** One timeline entry, as the trace view carries it (only the signed event is read). */
export interface DeriveItem {
  index: number;
  at: string;
  event: { type: string; actor: string; body: unknown };
}

export interface DerivedLot {
  code: string;
  /** Undefined when no entry in the timeline makes the lot (lot.create or lot.transform). */
  product?: Product;
  storage?: StorageClass;
  quantity?: { amount: number; unit: string };
  expiresAt?: string;
  /** Root lots' origins (their lot.create entries in the timeline). */
  origins: Array<{ lot: string } & Origin>;
  recall?: Recall;
  inspection?: Inspection;
  status: LotStatus;
}

type Body = Record<string, unknown>;

export const deriveLot = (code: string, timeline: readonly DeriveItem[], nowMs: number): DerivedLot => {
  const out: Omit<DerivedLot, 'status'> = { code, origins: [] };
  for (const item of timeline) {
    const b = (item.event.body ?? {}) as Body;
    switch (item.event.type) {
      case 'lot.create': {
        const c = b as {
          code: string;
          product: Product;
          storage: StorageClass;
          quantity: { amount: number; unit: string };
          origin: Origin;
          expiresAt?: string;
        };
        out.origins.push({ lot: c.code, ...c.origin });
        if (c.code === code) Object.assign(out, { product: c.product, storage: c.storage, quantity: c.quantity, expiresAt: c.expiresAt });
        break;
      }
      case 'lot.transform': {
        const made = (
          b.outputs as
            | Array<{
                code: string;
                product: Product;
                storage: StorageClass;
                quantity: { amount: number; unit: string };
                expiresAt?: string;
              }>
            | undefined
        )?.find((o) => o.code === code);
        if (made) Object.assign(out, { product: made.product, storage: made.storage, quantity: made.quantity, expiresAt: made.expiresAt });
        break;
      }
      case 'lot.inspect':
        if (b.code === code) out.inspection = { index: item.index, at: item.at, result: b.result as 'pass' | 'fail' };
        break;
      case 'lot.recall':
        out.recall = strongerRecall(out.recall, {
          index: item.index,
          at: item.at,
          level: b.level as 1 | 2 | 3,
          reason: String(b.reason),
          by: item.event.actor,
          lot: String(b.code),
        });
        break;
    }
  }
  return { ...out, status: lotStatus(out, nowMs) };
};
