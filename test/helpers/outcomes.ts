/**
 * The outcomes every test folder asserts on a posted event or a read: accepted
 * (201 and its receipt) or rejected (the status and the stable code, as a
 * problem+json body that leaks nothing internal, with the ledger untouched).
 */
import type { Response } from 'supertest';
import { ERROR_STATUS, type ErrorCode } from '../../src/errors.js';

/** Anything in an error body that looks like a stack trace, a source file or a local path. */
const LEAK =
  /\n\s+at |\bat [\w.<>]+ \(|node_modules|\/work\/|\/tmp\/|[\w-]+\.[jt]s:\d+|\b(TypeError|RangeError|SyntaxError|ReferenceError)\b/;

/** What a rejection must leave alone: the ledger's size and head (Fixture.state). */
interface Observed {
  state(): unknown;
}

/** Expects a 201 and returns the receipt body. */
export const accepted = async (req: PromiseLike<Response>): Promise<{ index: number; at: string }> => {
  const res = await req;
  if (res.status !== 201) throw new Error(`expected 201, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

/** Asserts that a response is a problem+json body with `code` and `status` (the SPEC's for `code` by default), leaking nothing. */
export const expectProblem = (res: Response, code: ErrorCode, status: number = ERROR_STATUS[code]): void => {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: `urn:anxin:problem:${code}`, status, title: expect.any(String) });
  expect(typeof res.body.detail).toBe('string');
  expect(res.body.detail.length).toBeGreaterThan(0);
  expect(JSON.stringify(res.body)).not.toMatch(LEAK);
};

/** Expects a rejection with `status` and `code`, and the ledger's size and head unchanged. */
export const rejected = async (f: Observed, req: PromiseLike<Response>, status: number, code: ErrorCode): Promise<Response> => {
  const before = f.state();
  const res = await req;
  expectProblem(res, code, status);
  expect(f.state()).toEqual(before);
  return res;
};

/** `rejected` with the SPEC's status for `code`; `send` runs after the ledger's state is noted. */
export const rejects = (f: Observed, send: () => PromiseLike<Response>, code: ErrorCode): Promise<Response> =>
  rejected(f, { then: (ok, fail) => send().then(ok, fail) }, ERROR_STATUS[code], code);
