/** The regulator's HTTP half: verification, anomalies, the merchant list and exports (all under /v1/regulator). */
import { anomalyDocs, exportDocs, verifyDocs } from '../../schemas/regulator.js';
import type { PluginHttp } from '../http/plugin-http.js';
import { anomalyRoutes } from './anomaly-routes.js';
import { exportRoutes } from './exports/routes.js';
import { merchantListRoutes } from './merchant-routes.js';
import { verifyRoutes } from './verify-routes.js';

export const regulatorHttp: PluginHttp = {
  routes: (services) => [...verifyRoutes(services), ...anomalyRoutes(services), ...merchantListRoutes(services), ...exportRoutes(services)],
  docs: [...verifyDocs, ...exportDocs, ...anomalyDocs],
};
