/**
 * The recall view of SPEC §8: the lot (depth 0) and every lot made from it,
 * transitively (depth = shortest distance), with who holds how much, what is in
 * transit with which carrier, and what was already sold or disposed of — what a
 * regulator needs to execute a recall. It answers before any recall too.
 */
import type { StateView } from '../../ledger/index.js';
import type { RecallView } from '../../schemas/trace.js';
import { descendants } from './lineage.js';
import { getLot, getShipment, lotStatus, type LotRecord } from './state.js';

export type { RecallView };

const lotLine = (state: Pick<StateView, 'get'>, lot: LotRecord, depth: number, nowMs: number): RecallView['lots'][number] => ({
  code: lot.code,
  depth,
  product: lot.product,
  status: lotStatus(lot, nowMs),
  holdings: Object.entries(lot.holdings).map(([actor, amount]) => ({ actor, amount })),
  inTransit: Object.entries(lot.inTransit).map(([shipment, amount]) => {
    const s = getShipment(state, shipment);
    return { shipment, from: s?.from ?? '', to: s?.to ?? '', carrier: s?.carrier ?? null, amount };
  }),
  sold: lot.sold,
  disposed: lot.disposed,
});

/** The recall view of `code` at `nowMs`, or undefined for an unknown lot. */
export const buildRecallView = (state: Pick<StateView, 'get'>, code: string, nowMs: number): RecallView | undefined => {
  const lot = getLot(state, code);
  if (!lot) return undefined;
  return {
    code,
    lots: [lotLine(state, lot, 0, nowMs), ...descendants(state, lot).map((d) => lotLine(state, d.lot, d.depth, nowMs))],
  };
};
