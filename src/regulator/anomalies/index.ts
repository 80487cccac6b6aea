/** The anomaly engine of SPEC §10: an Observer that keeps anomalies current at append time, and the reads over them. */
export { anomalyObserver, anomalyChangesKey, type AnomalyChanges } from './observer.js';
export { listAnomalies, decodeCursor, encodeCursor, type AnomalyQuery, type AnomalyPage, type AnomalySource } from './query.js';
export { currentAnomaly, merchantAnomalies, MERCHANT_RULES } from './current.js';
export { firstIssueAt } from './sales.js';
export { RULES, SEVERITIES, type Anomaly, type Rule, type Severity } from './types.js';
