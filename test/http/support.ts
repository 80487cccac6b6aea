/** Helpers shared by the HTTP tests: asserting a rejection, and a listening server for parallel load. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'supertest';
import { ERROR_STATUS, type ErrorCode } from '../../src/errors.js';
import type { Fixture } from '../helpers/fixture.js';

/** Anything in an error body that looks like a stack trace, a source file or a local path. */
const LEAK =
  /\n\s+at |\bat [\w.<>]+ \(|node_modules|\/work\/|\/tmp\/|[\w-]+\.[jt]s:\d+|\b(TypeError|RangeError|SyntaxError|ReferenceError)\b/;

/** Asserts that a response is a problem+json body with `code` and its SPEC status, and leaks nothing internal. */
export const expectProblem = (res: Response, code: ErrorCode): void => {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status: ERROR_STATUS[code], code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: `urn:anxin:problem:${code}`, status: ERROR_STATUS[code], title: expect.any(String) });
  expect(typeof res.body.detail).toBe('string');
  expect(res.body.detail.length).toBeGreaterThan(0);
  expect(JSON.stringify(res.body)).not.toMatch(LEAK);
};

/**
 * Sends a request and asserts it is rejected with `code` and that the ledger's
 * size and head did not move.
 */
export const rejects = async (f: Fixture, send: () => PromiseLike<Response>, code: ErrorCode): Promise<Response> => {
  const before = f.state();
  const res = await send();
  expectProblem(res, code);
  expect(f.state()).toEqual(before);
  return res;
};

/** The app listening on a loopback port (one server for many parallel requests). */
export const listen = async (f: Fixture): Promise<{ server: Server; url: string; close(): Promise<void> }> => {
  const server = await new Promise<Server>((resolve) => {
    const s = f.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
