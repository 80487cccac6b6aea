/** GET /v1/regulator/verify and its jobs (SPEC §8): regulators and auditors. */
import { z } from 'zod';
import type { Services } from '../http/plugin-http.js';
import { ApiError } from '../errors.js';
import { allow } from '../http/auth.js';
import { parseInput } from '../http/params.js';
import { json, type Route } from '../http/route.js';
import { VerificationService, type VerifyJob } from './verification.js';

/** How long a request waits for a run before answering 202 with the job. */
export const VERIFY_WAIT_MS = 2000;

export interface VerifyRouteOptions {
  /**
   * Resolves when a request has waited long enough for `job` and should answer
   * 202 (default: after VERIFY_WAIT_MS). Injectable so tests decide without timing.
   */
  wait?: (job: VerifyJob) => Promise<unknown>;
  /** Passed to the VerificationService (tests hold a run mid-way with it). */
  pace?: () => Promise<void> | void;
}

const waitDefault = (): Promise<unknown> => new Promise((r) => setTimeout(r, VERIFY_WAIT_MS).unref());

const jobView = (job: VerifyJob) => ({
  id: job.id,
  state: job.state,
  full: job.full,
  checked: job.checked,
  size: job.size,
  ...(job.report ? { report: job.report } : {}),
  ...(job.error ? { error: job.error } : {}),
});

export const verifyRoutes = (services: Services, options: VerifyRouteOptions = {}): Route[] => {
  const service = new VerificationService(services.ledger, services.catalogue, {
    maxSkewS: services.config.maxSkewS,
    now: services.now,
    pace: options.pace,
  });
  const wait = options.wait ?? waitDefault;
  return [
    {
      method: 'GET',
      path: '/v1/regulator/verify',
      auth: 'required',
      rate: 'expensive',
      handle: async (req) => {
        allow(req.principal, ['regulator', 'auditor']);
        const { full } = parseInput(z.object({ full: z.enum(['0', '1', 'true', 'false']).optional() }), req.query, 'query');
        const job = service.start(full === '1' || full === 'true');
        const first = await Promise.race([job.done.then(() => 'done' as const), wait(job).then(() => 'wait' as const)]);
        if (first === 'done' && job.report) return json(job.report);
        if (job.error) throw new Error(job.error);
        return json(jobView(job), 202, { location: `/v1/regulator/verify/jobs/${job.id}` });
      },
    },
    {
      method: 'GET',
      path: '/v1/regulator/verify/jobs/{id}',
      auth: 'required',
      handle: (req) => {
        allow(req.principal, ['regulator', 'auditor']);
        const job = service.job(req.params.id);
        if (!job)
          throw new ApiError('not_found', `no verification job ${req.params.id.slice(0, 80)} (jobs are kept in memory; the last 20)`);
        return json(jobView(job));
      },
    },
  ];
};
