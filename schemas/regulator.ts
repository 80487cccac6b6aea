/** Regulator reads (SPEC §8–10): verification reports and jobs. Anomalies, ratings and exports add theirs. */
import { z } from 'zod';
import { hash, timestamp } from './common.js';
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
