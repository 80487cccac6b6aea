/**
 * The FDA FSMA 204 "sortable spreadsheet" of a lot (SPEC §8 Exports,
 * docs/EXPORTS.md): one row per critical tracking event (CTE) of the lot's
 * lineage, with its key data elements and the ledger index and leaf hash of the
 * signed entry behind it, so every row can be proved against a checkpoint.
 * The traceability lot code is the trace code.
 *
 *   lot.create    → harvesting (first_land_based_receiving for wild aquatic catch)
 *   lot.transform → transformation: a row per output lot, then per input lot
 *   lot.ship      → shipping       lot.receive → receiving
 *
 * Other events (inspections, temperatures, sales, recalls, disposals) are not
 * FSMA CTEs and make no rows; the EPCIS export carries them.
 */
import { getActor } from '../../actors/index.js';
import { getShipment, type LotRecord } from '../../trace/index.js';
import type { LotCreateBody, LotReceiveBody, LotShipBody, LotTransformBody } from '../../../schemas/trace.js';
import { toCsv, type Cell } from './csv.js';
import { lotIn, type ExportSource, type Lineage } from './lineage.js';

export const FSMA_HEADER = [
  'cte',
  'traceability_lot_code',
  'product',
  'quantity',
  'unit',
  'location',
  'event_time',
  'reference_document',
  'ledger_index',
  'leaf_hash',
] as const;

export type FsmaCte = 'harvesting' | 'first_land_based_receiving' | 'transformation' | 'shipping' | 'receiving';

export interface FsmaRow {
  cte: FsmaCte;
  traceability_lot_code: string;
  product: string;
  quantity: number;
  unit: string;
  location: string;
  event_time: string;
  reference_document: string;
  ledger_index: number;
  leaf_hash: string;
}

/** Categories that mean fish or other aquatic food (lowercased; the workload and tests use "aquatic"). */
const AQUATIC = new Set([
  'aquatic',
  'seafood',
  'fish',
  'shellfish',
  'crustacean',
  'mollusc',
  'mollusk',
  '水产',
  '水产品',
  '海产品',
  '海鲜',
]);

/** Wild aquatic catch is received first on land, not harvested (21 CFR 1.1325 vs 1.1320). */
export const isWildAquatic = (body: Pick<LotCreateBody, 'origin' | 'product'>): boolean =>
  body.origin.method === 'wild' && AQUATIC.has(body.product.category.trim().toLowerCase());

/** "name, region (id)" of a registered actor; its id alone when unknown. */
export const actorLocation = (src: ExportSource, id: string): string => {
  const a = getActor(src, id);
  if (!a) return id;
  return `${a.name}${a.region ? `, ${a.region}` : ''} (${id})`;
};

export const fsmaRows = (src: ExportSource, lineage: Lineage): FsmaRow[] => {
  const rows: FsmaRow[] = [];
  for (const entry of lineage.entries) {
    const { event } = entry;
    const row = (
      cte: FsmaCte,
      lot: Pick<LotRecord, 'code' | 'product' | 'quantity'>,
      quantity: number,
      location: string,
      eventTime: string,
      ref: string,
    ) =>
      rows.push({
        cte,
        traceability_lot_code: lot.code,
        product: lot.product.name,
        quantity,
        unit: lot.quantity.unit,
        location,
        event_time: eventTime,
        reference_document: ref,
        ledger_index: entry.index,
        leaf_hash: entry.leaf,
      });
    const here = actorLocation(src, event.actor);
    const signed = `${event.type} ${event.id}`;
    switch (event.type) {
      case 'lot.create': {
        const b = event.body as LotCreateBody;
        if (isWildAquatic(b)) row('first_land_based_receiving', b, b.quantity.amount, here, event.at, signed);
        else row('harvesting', b, b.quantity.amount, b.origin.place, b.harvestedAt ?? event.at, signed);
        break;
      }
      case 'lot.transform': {
        const b = event.body as LotTransformBody;
        for (const o of b.outputs) row('transformation', o, o.quantity.amount, here, event.at, signed);
        for (const i of b.inputs) {
          const input = lotIn(src, lineage, i.code);
          if (input) row('transformation', input, i.amount, here, event.at, signed);
        }
        break;
      }
      case 'lot.ship': {
        const b = event.body as LotShipBody;
        const lot = lotIn(src, lineage, b.code);
        if (lot) row('shipping', lot, b.amount, here, event.at, `shipment ${b.shipment}`);
        break;
      }
      case 'lot.receive': {
        const b = event.body as LotReceiveBody;
        const shipment = getShipment(src, b.shipment);
        const lot = shipment && lotIn(src, lineage, shipment.lot);
        if (lot) row('receiving', lot, b.amount, here, event.at, `shipment ${b.shipment}`);
        break;
      }
    }
  }
  return rows;
};

export const fsmaCsv = (rows: readonly FsmaRow[]): string =>
  toCsv(
    FSMA_HEADER,
    rows.map((r) => FSMA_HEADER.map((h) => r[h] as Cell)),
  );
