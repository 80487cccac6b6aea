/**
 * FSMA 204 on request (SPEC §15): "every lot of this product between these
 * dates", as FDA asks within 24 hours. The product is named by GTIN (any of
 * GTIN-8/12/13/14 with a valid check digit) or by exact name; the answer is the
 * §8 CSV of every critical tracking event of its lots whose event time lies in
 * [from, to), sorted by event time (then ledger index). Read from the product
 * index kept at append time (trace/state.ts), never by scanning the log.
 */
import type { Entry } from '../../../ledger/index.js';
import { gtin14, gtinCheckDigitOk } from '../../../schemas/gtin.js';
import { getLot, lotEntries, productKeys, productLots, type LotRecord } from '../../trace/index.js';
import { ApiError } from '../../errors.js';
import { fsmaRows, type FsmaRow } from './fsma.js';
import type { ExportSource } from './lineage.js';

/** A product export reads at most this many entries (a bound on one request's work; narrow the range beyond it). */
export const MAX_PRODUCT_ENTRIES = 200_000;

export interface ProductQuery {
  product: string;
  /** ms, inclusive; undefined = from the beginning. */
  fromMs?: number;
  /** ms, exclusive; undefined = up to now. */
  toMs?: number;
}

/** The index key of a product argument: a GTIN when it is one (padded to 14), else a name. */
export const productKey = (product: string): string =>
  gtinCheckDigitOk(product) ? `gtin:${gtin14(product)}` : productKeys({ name: product, category: '-' })[0];

/**
 * The FSMA rows of every lot of the product with events in range, sorted by
 * event time then ledger index, or undefined when the product has no lot.
 * `skewMs` bounds how far an event's signed time may lie from its entry time
 * (SPEC §2), so lots made after `to + skew` are skipped without reading them.
 */
export const productRows = (src: ExportSource, q: ProductQuery, skewMs: number): FsmaRow[] | undefined => {
  const codes = productLots(src, productKey(q.product));
  if (!codes.length) return undefined;
  const lots = new Map<string, LotRecord>();
  const indexes = new Set<number>();
  for (const code of codes) {
    const lot = getLot(src, code);
    if (!lot) continue;
    // Lots are listed in the order they were made; a lot made after the range (allowing for skew) has no event in it.
    if (q.toMs !== undefined && Date.parse(lot.createdAt) >= q.toMs + skewMs) break;
    lots.set(code, lot);
    for (const i of lotEntries(src, lot)) indexes.add(i);
    if (indexes.size > MAX_PRODUCT_ENTRIES)
      throw new ApiError('invalid_request', `more than ${MAX_PRODUCT_ENTRIES} entries for this product: narrow from/to`);
  }
  const entries = [...indexes]
    .sort((a, b) => a - b)
    .map((i) => src.entry(i))
    .filter((e): e is Entry => e !== undefined);
  const inRange = (t: string) => {
    const ms = Date.parse(t);
    return (q.fromMs === undefined || ms >= q.fromMs) && (q.toMs === undefined || ms < q.toMs);
  };
  const rows = fsmaRows(src, { lot: lots.values().next().value!, lots, entries }).filter(
    (r) => lots.has(r.traceability_lot_code) && inRange(r.event_time),
  );
  // Event times are RFC 3339 UTC from the signed events: compare as instants, ties by ledger order (the sort is stable).
  return rows.sort((a, b) => Date.parse(a.event_time) - Date.parse(b.event_time) || a.ledger_index - b.ledger_index);
};
