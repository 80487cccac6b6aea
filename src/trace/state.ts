/**
 * Traceability state (SPEC §7), kept current at append time so that no read
 * scans the log. Keys:
 *
 *   lot/<code>                 LotRecord: identity, quantities, inspection, recall, lineage summary
 *   lot/<code>/entries/<page>  ledger indexes of the lot's entries, in order (pages of PAGE_SIZE)
 *   lot/<code>/outputs/<page>  codes of the lots made directly from it, in order
 *   shipment/<id>              ShipmentRecord
 *
 * Codes and ids cannot contain "/", so these keys never collide. Lists are paged
 * so that appending stays O(1) and every value stays bounded.
 */
import type { StateView } from '../../ledger/index.js';
import type { EventContext, State } from '../domain/plugin.js';
import type { Origin, Product, StorageClass, LotStatus } from '../../schemas/trace.js';
import type { z } from 'zod';
import type { unit } from '../../schemas/common.js';

export type Unit = z.infer<typeof unit>;
type Reader = Pick<StateView, 'get'>;

export interface Inspection {
  index: number;
  at: string;
  result: 'pass' | 'fail';
}

export interface Recall {
  /** The lot.recall entry. */
  index: number;
  at: string;
  level: 1 | 2 | 3;
  reason: string;
  by: string;
  /** The recalled lot: this one or an ancestor. */
  lot: string;
}

export interface LotRecord {
  code: string;
  product: Product;
  /** Quantity as created (lot.create) or made (lot.transform output); its unit is the lot's unit. */
  quantity: { amount: number; unit: Unit };
  storage: StorageClass;
  /** lot.create only: roots carry the origin. */
  origin?: Origin;
  harvestedAt?: string;
  expiresAt?: string;
  creator: string;
  createdIndex: number;
  createdAt: string;
  /** Direct inputs with the amounts taken (empty for lot.create). */
  inputs: Array<{ code: string; amount: number }>;
  /** Every transitive ancestor, each once, the direct inputs first. */
  ancestors: string[];
  /** Root ancestors (lots made by lot.create); [code] for a root itself. */
  roots: string[];
  /** actor → amount held, > 0 (an actor holding none has no key). */
  holdings: Record<string, number>;
  /** open shipment → amount in it. */
  inTransit: Record<string, number>;
  sold: number;
  disposed: number;
  transformedOut: number;
  lost: number;
  /** Temperature readings recorded for this lot (its own and its shipments'), bounded by MAX_LOT_READINGS. */
  readings?: number;
  /** The latest inspection; a `fail` holds the lot. */
  inspection?: Inspection;
  /** Set when this lot or an ancestor was recalled (the most severe level wins). */
  recall?: Recall;
  /** Length of the lot's entry list. */
  entryCount: number;
  /** Length of its direct-output list. */
  outputCount: number;
  /** Index of the lot's latest entry. */
  last: number;
  /** Index of the latest entry that made a descendant of it (its creation when none). */
  descLast: number;
}

export interface ShipmentRecord {
  shipment: string;
  lot: string;
  from: string;
  to: string;
  carrier?: string;
  amount: number;
  index: number;
  at: string;
  received?: { amount: number; index: number; at: string };
}

export const lotKey = (code: string) => `lot/${code}`;
export const shipmentKey = (id: string) => `shipment/${id}`;
const entriesKey = (code: string) => `lot/${code}/entries`;
const outputsKey = (code: string) => `lot/${code}/outputs`;

export const getLot = (state: Reader, code: string): LotRecord | undefined => state.get<LotRecord>(lotKey(code));
export const putLot = (state: State, lot: LotRecord): void => state.put(lotKey(lot.code), lot);
export const getShipment = (state: Reader, id: string): ShipmentRecord | undefined => state.get<ShipmentRecord>(shipmentKey(id));
export const putShipment = (state: State, s: ShipmentRecord): void => state.put(shipmentKey(s.shipment), s);

/** Own-property lookup: ids like "constructor" must not reach Object.prototype. */
export const amountIn = (map: Record<string, number>, key: string): number => (Object.hasOwn(map, key) ? map[key] : 0);

/** Sets map[key] = amount, removing the key at 0 so maps only hold what is there. */
export const setAmount = (map: Record<string, number>, key: string, amount: number): void => {
  if (amount === 0) delete map[key];
  else map[key] = amount;
};

export const isExpired = (lot: Pick<LotRecord, 'expiresAt'>, atMs: number): boolean =>
  lot.expiresAt !== undefined && atMs >= Date.parse(lot.expiresAt);

export const isHeld = (lot: Pick<LotRecord, 'inspection'>): boolean => lot.inspection?.result === 'fail';

/** SPEC §7: first match wins — recalled, held, expired, active. */
export const lotStatus = (lot: Pick<LotRecord, 'recall' | 'inspection' | 'expiresAt'>, nowMs: number): LotStatus =>
  lot.recall ? 'recalled' : isHeld(lot) ? 'held' : isExpired(lot, nowMs) ? 'expired' : 'active';

/** The recall a lot keeps when another reaches it: the more severe (lower level); the earlier on a tie. */
export const strongerRecall = (current: Recall | undefined, next: Recall): Recall =>
  !current || next.level < current.level ? next : current;

export const PAGE_SIZE = 256;

export const appendPaged = <T>(state: State, key: string, count: number, value: T): void => {
  const pageKey = `${key}/${Math.floor(count / PAGE_SIZE)}`;
  const page = count % PAGE_SIZE === 0 ? [] : (state.get<T[]>(pageKey) ?? []);
  page.push(value);
  state.put(pageKey, page);
};

export const readPaged = <T>(state: Reader, key: string, count: number): T[] => {
  const out: T[] = [];
  for (let p = 0; p * PAGE_SIZE < count; p++) out.push(...(state.get<T[]>(`${key}/${p}`) ?? []));
  return out;
};

/** The lot's subject in the log's subject map (SPEC §12). */
export const lotSubject = (code: string): string => `lot:${code}`;

/**
 * Records that the entry `ctx.index` is about `lot` (mutates the record; the caller puts it) and
 * declares the lot as a subject of the entry, so the lot's entry list and its subject chain are
 * the same list (plus the recalls that reach the lot, which its ancestors' lists hold).
 */
export const logEntry = (state: State, lot: LotRecord, ctx: Pick<EventContext, 'index' | 'concern'>): void => {
  const { index } = ctx;
  ctx.concern(lotSubject(lot.code));
  appendPaged(state, entriesKey(lot.code), lot.entryCount, index);
  lot.entryCount++;
  lot.last = index;
};

/** Records that `output` was made directly from `lot` (mutates the record; the caller puts it). */
export const logOutput = (state: State, lot: LotRecord, output: string): void => {
  appendPaged(state, outputsKey(lot.code), lot.outputCount, output);
  lot.outputCount++;
};

/** The ledger indexes of a lot's entries, ascending. */
export const lotEntries = (state: Reader, lot: LotRecord): number[] => readPaged<number>(state, entriesKey(lot.code), lot.entryCount);

/** Codes of the lots made directly from a lot, in the order they were made. */
export const lotOutputs = (state: Reader, lot: LotRecord): string[] => readPaged<string>(state, outputsKey(lot.code), lot.outputCount);

/**
 * The product index (SPEC §15, FSMA 204 on request): every lot of a product, in
 * the order they were made, so an export by product reads its lots without a
 * scan. A product is named by its GTIN-14 when it has one, and by its name
 * always (a lot with a GTIN is listed under both):
 *
 *   product/<key>           { count }
 *   product/<key>/lots/<p>  lot codes, PAGE_SIZE per page
 *
 * `<key>` is `gtin:<GTIN-14>` or `name:<encodeURIComponent(name)>`: no "/" gets in.
 */
export const productKeys = (product: Product): string[] => [
  ...(product.gtin ? [`gtin:${product.gtin.padStart(14, '0')}`] : []),
  `name:${encodeURIComponent(product.name)}`,
];

/** Lists a new lot under its product (called by lot.create and by each transform output). */
export const indexProduct = (state: State, lot: Pick<LotRecord, 'code' | 'product'>): void => {
  for (const key of productKeys(lot.product)) {
    const head = state.get<{ count: number }>(`product/${key}`) ?? { count: 0 };
    appendPaged(state, `product/${key}/lots`, head.count, lot.code);
    state.put(`product/${key}`, { count: head.count + 1 });
  }
};

/** The codes of every lot of a product (by GTIN-14 key or name key), in the order they were made. */
export const productLots = (state: Reader, key: string): string[] => {
  const head = state.get<{ count: number }>(`product/${key}`);
  return head ? readPaged<string>(state, `product/${key}/lots`, head.count) : [];
};
