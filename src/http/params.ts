/** Validation of path and query parameters at the edge. */
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { describeIssues } from '../domain/admission.js';

export const parseInput = <T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> => {
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiError('invalid_request', describeIssues(r.error, where));
  return r.data;
};

/** A non-negative integer in a query string. */
export const queryInt = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/, 'must be a non-negative integer')
  .transform(Number)
  .refine(Number.isSafeInteger, 'is too large');
