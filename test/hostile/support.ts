/** Helpers for the hostile-input and fault suites: a probe's answer, and the ledger unchanged by it. */
import type { Response } from 'supertest';
import type { Fixture } from '../helpers/fixture.js';

/** Asserts a rejection's status and code, and returns the body. */
export const expectProblem = (res: Response, status: number, code: string): Record<string, unknown> => {
  if (res.status !== status || res.body?.code !== code)
    throw new Error(`expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body as Record<string, unknown>;
};

/** Runs `probe` and asserts the ledger's size and head did not change. */
export const unchanged = async <T>(f: Fixture, probe: () => Promise<T>): Promise<T> => {
  const before = f.state();
  const out = await probe();
  expect(f.state()).toEqual(before);
  return out;
};

/** Resolves once `condition` holds, polling every 20 ms; fails after `limitMs` (a hang, not a speed bound). */
export const eventually = async (condition: () => boolean | Promise<boolean>, limitMs = 20_000): Promise<void> => {
  const end = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('the condition never held');
    await new Promise((r) => setTimeout(r, 20));
  }
};
