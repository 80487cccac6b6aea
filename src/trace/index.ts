/**
 * Food traceability (SPEC §7, §8): lots, inspections, transforms, shipments,
 * cold chain, sales, recalls and disposals. See docs/TRACE.md for the state
 * model and rules.
 *
 * This file is the plug-in's pure surface: its domain half, and the typed
 * accessors and views other folders (the regulator, the pages) read food
 * state with — never state.ts directly. The HTTP half is routes.ts (`traceHttp`).
 */
import type { DomainPlugin } from '../domain/plugin.js';
import { traceEvents } from './rules/index.js';

export const traceDomain: DomainPlugin = { name: 'trace', events: traceEvents };

export { tempExcursion, temperatureRange, sortReadings, TEMP_LIMITS, tempExcursionId } from './temperature.js';
export type { Reading, TempExcursion, TempLimits } from './temperature.js';
export { getLot, getShipment, lotEntries, lotOutputs, lotStatus } from './state.js';
export type { LotRecord, ShipmentRecord, Recall, Unit } from './state.js';
export { descendants, inputTree } from './lineage.js';
export type { LineageNode } from './lineage.js';
export { sum, COUNT_UNITS } from './amount.js';
export { collectTrace, traceVersion } from './view.js';
export type { TraceParts, TraceSource, TimelineItem } from './view.js';
export { buildRecallView } from './recall-view.js';
export type { RecallView } from './recall-view.js';
