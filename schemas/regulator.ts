/** Regulator reads (SPEC §8–10): verification reports and jobs, exports. Anomalies and ratings add theirs. */
import { z } from 'zod';
import { hash, id, timestamp } from './common.js';
import type { RouteDoc } from './routes.js';

export const verifyError = z.object({ index: z.number().int().nonnegative(), code: z.string(), detail: z.string() }).meta({ id: 'VerifyError' });

export const verificationReport = z
  .object({
    ok: z.boolean(),
    size: z.number().int().nonnegative(),
    root: hash,
    head: hash,
    checked: z.number().int().nonnegative().meta({ description: 'entries checked by this run' }),
    errors: z.array(verifyError).meta({ description: 'sorted by index: errors[0] is the first bad index (docs/VERIFY.md lists the codes)' }),
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
    '@context': z.tuple([z.literal('https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'), z.object({ anxin: z.literal('urn:anxin:epcis:') })]),
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
    summary: 'FDA FSMA 204 sortable spreadsheet (CSV) of a lot, its ancestors and its descendants',
    description:
      'Regulators and auditors. RFC 4180 CSV with the header `cte,traceability_lot_code,product,quantity,unit,location,event_time,reference_document,ledger_index,leaf_hash` and one row per critical tracking event (docs/EXPORTS.md).',
    auth: 'signed',
    query: exportQuery,
    responses: { 200: { description: 'The spreadsheet', schema: z.string(), contentType: 'text/csv' } },
    errors: ['unauthenticated', 'forbidden', 'invalid_request', 'lot_not_found'],
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
