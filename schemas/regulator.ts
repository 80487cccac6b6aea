/** Regulator reads (SPEC §8–10): verification reports and jobs, exports. Anomalies and ratings add theirs. */
import { z } from 'zod';
import { hash, id, timestamp } from './common.js';
import type { RouteDoc } from './routes.js';
import { merchantFull } from './cards.js';

export const verifyError = z
  .object({ index: z.number().int().nonnegative(), code: z.string(), detail: z.string() })
  .meta({ id: 'VerifyError' });

export const verificationReport = z
  .object({
    ok: z.boolean(),
    size: z.number().int().nonnegative(),
    root: hash,
    head: hash,
    checked: z.number().int().nonnegative().meta({ description: 'entries checked by this run' }),
    errors: z
      .array(verifyError)
      .meta({ description: 'sorted by index: errors[0] is the first bad index (docs/VERIFY.md lists the codes)' }),
    checkpoint: z.object({ size: z.number().int(), root: hash }).meta({ description: 'the signed checkpoint verified up to' }),
    full: z.boolean().meta({ description: 'whether this run started from genesis' }),
    finishedAt: timestamp,
  })
  .meta({ id: 'VerificationReport' });

export const verifyJob = z
  .object({
    id: z.string(),
    state: z.enum(['running', 'done']),
    full: z.boolean(),
    checked: z.number().int().nonnegative(),
    size: z.number().int().nonnegative(),
    report: verificationReport.optional(),
    error: z.string().optional(),
  })
  .meta({ id: 'VerifyJob' });

export const verifyDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/regulator/verify',
    tag: 'regulator',
    summary: 'Verify the ledger (SPEC §9), incrementally since the last verified checkpoint',
    description:
      'Regulators and auditors. Checks every entry appended since the last verification: hashes, tree, checkpoints, signatures, permissions and domain rules. `full=1` re-verifies from genesis. A run that takes more than 2 s answers 202 with the job to poll.',
    auth: 'signed',
    query: z.object({ full: z.enum(['0', '1', 'true', 'false']).optional() }),
    responses: {
      200: { description: 'The verification report', schema: verificationReport },
      202: { description: 'Still running: poll the job', schema: verifyJob, headers: { Location: '/v1/regulator/verify/jobs/{id}' } },
    },
    errors: ['unauthenticated', 'forbidden', 'invalid_request'],
  },
  {
    method: 'get',
    path: '/v1/regulator/verify/jobs/{id}',
    tag: 'regulator',
    summary: 'A verification job: progress, and the report once done',
    auth: 'signed',
    params: z.object({ id: z.string() }),
    responses: { 200: { description: 'The job', schema: verifyJob } },
    errors: ['unauthenticated', 'forbidden', 'not_found'],
  },
];

// ---- exports (SPEC §8 "Exports"; docs/EXPORTS.md) ----

const exportQuery = z.object({ code: id.meta({ description: 'the trace code (FSMA traceability lot code) of the lot' }) });
const fsmaQueryDoc = z.object({
  code: id.optional().meta({ description: 'one lot: its lineage (ancestors and descendants)' }),
  product: z
    .string()
    .optional()
    .meta({ description: 'instead of code: every lot of the product, by GTIN (8/12/13/14 digits) or exact name (SPEC §15)' }),
  from: timestamp.optional().meta({ description: 'with product: events at or after this instant' }),
  to: timestamp.optional().meta({ description: 'with product: events before this instant' }),
});

const quantityElement = z
  .object({ epcClass: z.string(), quantity: z.number(), uom: z.string().optional() })
  .meta({ id: 'EpcisQuantityElement', description: 'uom is a UN/ECE Rec 20 code; absent for counted units (piece, box)' });

export const epcisEvent = z
  .looseObject({
    type: z.enum(['ObjectEvent', 'TransformationEvent']),
    eventTime: timestamp,
    eventTimeZoneOffset: z.literal('+08:00'),
    recordTime: timestamp,
    eventID: z.string(),
    action: z.enum(['ADD', 'OBSERVE', 'DELETE']).optional(),
    bizStep: z.string(),
    disposition: z.string().optional(),
    quantityList: z.array(quantityElement).optional(),
    inputQuantityList: z.array(quantityElement).optional(),
    outputQuantityList: z.array(quantityElement).optional(),
    'anxin:ledgerIndex': z.number().int().nonnegative(),
    'anxin:leaf': hash,
  })
  .meta({ id: 'EpcisEvent', description: 'One EPCIS 2.0 event per ledger entry; the mapping is in docs/EXPORTS.md' });

export const epcisDocumentSchema = z
  .looseObject({
    '@context': z.tuple([
      z.literal('https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'),
      z.object({ anxin: z.literal('urn:anxin:epcis:') }),
    ]),
    type: z.literal('EPCISDocument'),
    schemaVersion: z.literal('2.0'),
    creationDate: timestamp,
    epcisBody: z.object({ eventList: z.array(epcisEvent).meta({ description: 'in ledger order' }) }),
  })
  .meta({ id: 'EpcisDocument' });

export const exportDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/regulator/export/fsma',
    tag: 'regulator',
    summary: 'FDA FSMA 204 sortable spreadsheet (CSV) of a lot and its lineage, or of every lot of a product in a time range',
    description:
      'Regulators and auditors. RFC 4180 CSV with the header `cte,traceability_lot_code,product,quantity,unit,location,event_time,reference_document,ledger_index,leaf_hash` and one row per critical tracking event (docs/EXPORTS.md). ' +
      'With `product` (and optional `from`, `to`): every CTE of every lot of that product whose event time is in [from, to), sorted by event time; an unknown product is 404 not_found.',
    auth: 'signed',
    query: fsmaQueryDoc,
    responses: { 200: { description: 'The spreadsheet', schema: z.string(), contentType: 'text/csv' } },
    errors: ['unauthenticated', 'forbidden', 'invalid_request', 'lot_not_found', 'not_found'],
  },
  {
    method: 'get',
    path: '/v1/regulator/export/epcis',
    tag: 'regulator',
    summary: 'GS1 EPCIS 2.0 JSON-LD document of a lot, its ancestors and its descendants',
    description:
      'Regulators and auditors. One event per ledger entry in ledger order, each with `anxin:ledgerIndex` and `anxin:leaf`; lots as GS1 Digital Link URIs when a GTIN is known (docs/EXPORTS.md).',
    auth: 'signed',
    query: exportQuery,
    responses: { 200: { description: 'The EPCIS document', schema: epcisDocumentSchema, contentType: 'application/ld+json' } },
    errors: ['unauthenticated', 'forbidden', 'invalid_request', 'lot_not_found'],
  },
];

// ---- anomalies and merchant ratings (SPEC §10; docs/ANOMALIES.md, docs/RATING.md) ----

export const ANOMALY_RULES = [
  'custody-short',
  'sales-spike',
  'complaint-surge',
  'complaint-overdue',
  'refund-overdue',
  'temp-excursion',
  'recorder-gap',
  'short-receipt',
  'in-transit-stale',
  'yield',
  'failed-descendant',
  'closed-season',
  'recall-overdue',
  'holder-rekey',
] as const;
export const ANOMALY_SEVERITIES = ['yellow', 'red'] as const;
export const anomalyRule = z.enum(ANOMALY_RULES).meta({ id: 'AnomalyRule' });
export const anomalySeverity = z.enum(ANOMALY_SEVERITIES).meta({ id: 'AnomalySeverity' });

export const anomaly = z
  .object({
    id: z.string().meta({ description: '`<rule>:<subject>`: stable per (rule, subject)' }),
    rule: anomalyRule,
    severity: anomalySeverity,
    subject: id.meta({ description: 'a merchant id, shipment id or trace code, by rule' }),
    since: timestamp.meta({ description: 'when it first opened (docs/ANOMALIES.md says, per rule, which clock)' }),
    detail: z.record(z.string(), z.unknown()).meta({ description: 'the figures behind it, per rule (docs/ANOMALIES.md)' }),
    entries: z
      .array(z.number().int().nonnegative())
      .meta({ description: 'ledger indexes of the entries that caused it, ascending (at most 32)' }),
  })
  .meta({ id: 'Anomaly' });

const pageLimit = z.string().regex(/^([1-9][0-9]{0,2}|1000)$/, 'must be an integer from 1 to 1000');

/** The query of GET /v1/regulator/anomalies; unknown parameters are rejected. */
export const anomaliesQuery = z.strictObject({
  rule: anomalyRule.optional(),
  subject: id.optional(),
  severity: anomalySeverity.optional(),
  since: timestamp.optional().meta({ description: 'only anomalies that opened at or after this instant' }),
  limit: pageLimit.optional().meta({ description: 'page size, 1 to 1000 (default 100)' }),
  cursor: z.string().max(400).optional().meta({ description: 'where a page continues: take it from `next`' }),
});

export const anomalyPage = z
  .object({
    anomalies: z.array(anomaly).meta({ description: 'open anomalies, newest first (by since, then rule and subject, descending)' }),
    next: z.string().nullable().meta({ description: 'path and query of the next page, or null' }),
  })
  .meta({ id: 'AnomalyPage' });

export const rating = z
  .object({
    score: z.number().int().min(0).max(100),
    parts: z.object({
      fundSafety: z.number().int().min(0).max(35),
      refunds: z.number().int().min(0).max(20),
      complaints: z.number().int().min(0).max(20),
      compliance: z.number().int().min(0).max(15),
      stability: z.number().int().min(0).max(10),
    }),
  })
  .meta({ id: 'MerchantRating', description: 'the published 100-point score behind stars (docs/RATING.md)' });

export const regulatorMerchant = merchantFull
  .extend({ anomalies: z.array(anomaly).meta({ description: 'its open anomalies, newest first' }), rating })
  .meta({ id: 'RegulatorMerchant' });

export const anomalyDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/regulator/anomalies',
    tag: 'regulator',
    summary: 'Open anomalies (SPEC §10), newest first, filtered and paginated',
    description:
      'Regulators only. Anomalies are computed as entries are appended; rules that depend on elapsed time are evaluated against the current clock. ' +
      'Filters combine (AND). `next` is the path and query of the next page, or null. The rules, thresholds and decisions: docs/ANOMALIES.md.',
    auth: 'signed',
    query: anomaliesQuery,
    responses: { 200: { description: 'A page of open anomalies', schema: anomalyPage } },
    errors: ['unauthenticated', 'forbidden', 'invalid_request'],
  },
  {
    method: 'get',
    path: '/v1/regulator/merchants',
    tag: 'regulator',
    summary: "Every merchant's full view with its open anomalies and rating, lowest stars first",
    description: 'Regulators only. Ties are broken by score, then id. The score and its caps: docs/RATING.md.',
    auth: 'signed',
    responses: { 200: { description: 'The merchants', schema: z.object({ merchants: z.array(regulatorMerchant) }) } },
    errors: ['unauthenticated', 'forbidden'],
  },
];
