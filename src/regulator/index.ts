/**
 * The regulator plug-in (SPEC §8–10): verification, anomalies, ratings and
 * exports for market regulators. It posts no events of its own; it observes
 * every accepted event (the anomaly engine, a view no rule reads) and answers
 * regulators' reads.
 *
 * This file is the plug-in's pure surface: its domain half and the merchant
 * rating (SPEC §10), which the card reads and the pages show as stars. It reads
 * the card and food plug-ins only through their index.ts. The HTTP half is
 * routes.ts (`regulatorHttp`).
 */
import type { DomainPlugin } from '../domain/plugin.js';
import { anomalyObserver } from './anomalies/index.js';

/** The anomaly engine keeps a view for regulators: no rule reads it, so the verifier's replay skips it (DomainPlugin.indexes). */
export const regulatorDomain: DomainPlugin = { name: 'regulator', indexes: [anomalyObserver] };

export { rateMerchant, merchantStars, ratingView, type RatingView } from './merchant-rating.js';
export { rate, type Rating, type RatingInputs, type RatingParts } from './rating.js';
export { RULES, SEVERITIES, anomalyChangesKey, type Anomaly, type AnomalyChanges, type Rule, type Severity } from './anomalies/index.js';
export { EPCIS_CONTEXT, epcisEventMapper } from './exports/epcis.js';
