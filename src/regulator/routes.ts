/** The regulator's HTTP half: verification, anomalies, the merchant list and exports (all under /v1/regulator). */
import { Router } from 'express';
import { anomalyDocs, exportDocs, verifyDocs } from '../../schemas/regulator.js';
import type { PluginHttp } from '../http/plugin-http.js';
import { anomalyRoutes } from './anomaly-routes.js';
import { exportRoutes } from './exports/routes.js';
import { merchantListRoutes } from './merchant-routes.js';
import { verifyRoutes } from './verify-routes.js';

export const regulatorHttp: PluginHttp = {
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
