/**
 * Food traceability (SPEC §7, §8): lots, inspections, transforms, shipments,
 * cold chain, sales, recalls and disposals; the public trace view and the
 * regulators' recall view. See docs/TRACE.md for the state model and rules.
 */
import type { Plugin } from '../domain/plugin.js';
import { traceDocs } from '../../schemas/trace.js';
import { traceEvents } from './rules/index.js';
import { traceRoutes } from './routes.js';

export const tracePlugin: Plugin = {
  name: 'trace',
  events: traceEvents,
  routes: traceRoutes,
  docs: traceDocs,
};

export { tempExcursion, temperatureRange, sortReadings, TEMP_LIMITS, tempExcursionId } from './temperature.js';
export type { Reading, TempExcursion, TempLimits } from './temperature.js';
export { getLot, getShipment, lotEntries, lotOutputs, lotStatus, lotKey, shipmentKey } from './state.js';
export type { LotRecord, ShipmentRecord } from './state.js';
export { descendants, inputTree } from './lineage.js';
export { seedTraceLot } from './scenario.js';
