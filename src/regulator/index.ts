/**
 * The regulator plug-in (SPEC §8–10): verification, anomalies, ratings and
 * exports for market regulators. It posts no events of its own; it observes
 * every accepted event and answers regulators' reads.
 */
import { anomalyDocs, exportDocs, verifyDocs } from '../../schemas/regulator.js';
import type { Plugin } from '../domain/plugin.js';
import { verifyRoutes } from './verify-routes.js';
import { anomalyObserver } from './anomalies/index.js';
import { anomalyRoutes } from './anomaly-routes.js';
import { merchantListRoutes } from './merchant-routes.js';
import { exportRoutes } from './exports/routes.js';

export const regulatorPlugin: Plugin = {
  name: 'regulator',
  observers: [anomalyObserver],
  routes: (services) => [...verifyRoutes(services), ...anomalyRoutes(services), ...merchantListRoutes(services), ...exportRoutes(services)],
  docs: [...verifyDocs, ...exportDocs, ...anomalyDocs],
};
