/**
 * The regulator plug-in (SPEC §8–10): verification, anomalies, ratings and
 * exports for market regulators. It posts no events of its own; it observes
 * every accepted event and answers regulators' reads.
 */
import { Router } from 'express';
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
  routes(services) {
    const r = Router();
    r.use(verifyRoutes(services));
    r.use(anomalyRoutes(services));
    r.use(merchantListRoutes(services));
    r.use(exportRoutes(services));
    return r;
  },
  docs: [...verifyDocs, ...exportDocs, ...anomalyDocs],
};
