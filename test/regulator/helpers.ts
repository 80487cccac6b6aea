/**
 * Helpers for the regulator tests: the real plug-ins with the verify routes'
 * wait and pace injected (so 200 vs 202 is decided by the test, never by a
 * clock), a gate that holds a verification run mid-way, the 大陈岛 chain of
 * test/trace on such an app, and the compiled CLI pinned to a fixture's keys.
 */
import type request from 'supertest';
import { PLUGINS, type Plugin } from '../../src/plugins.js';
import { regulatorDomain } from '../../src/regulator/index.js';
import { verifyRoutes, type VerifyRouteOptions } from '../../src/regulator/verify-routes.js';
import { ORIGIN, startFixture, type Fixture } from '../helpers/fixture.js';
import { anxin, type Run } from '../ledger/support.js';
import type { Chain } from '../trace/helpers.js';

/** Never resolves: a request waits for its run to finish and answers 200. */
export const never = (): Promise<never> => new Promise<never>(() => undefined);
/** Resolves at once: a request answers 202 unless its run already finished (a run needs I/O, so it has not). */
export const atOnce = (): Promise<void> => Promise.resolve();

/** PLUGINS with the verify routes mounted with `options` ahead of the regulator plug-in's own routes. */
export const pluginsWith = (options: VerifyRouteOptions): Plugin[] =>
  PLUGINS.map((p) =>
    p.domain !== regulatorDomain
      ? p
      : {
          ...p,
          http: {
            ...p.http,
            routes(services) {
              const mine = verifyRoutes(services, options);
              const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
              const taken = new Set(mine.map(key));
              return [...mine, ...(p.http?.routes?.(services) ?? []).filter((r) => !taken.has(key(r)))];
            },
          },
        },
  );

/**
 * Holds verification runs: `holdAfter(n)` lets n more entries through, then every
 * run waits before reading the next one until `release()`. `pace` is what the
 * VerificationService calls before each entry.
 */
export class Gate {
  private calls = 0;
  private limit = Infinity;
  private opened: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;
  private onHeld: () => void = () => undefined;

  /** Resolves once a run is held. */
  holdAfter(n: number): Promise<void> {
    this.limit = this.calls + n;
    this.opened = new Promise((r) => (this.open = r));
    return new Promise((r) => (this.onHeld = r));
  }

  release(): void {
    this.limit = Infinity;
    this.open();
  }

  readonly pace = (): Promise<void> | void => {
    this.calls++;
    if (this.calls > this.limit) {
      this.onHeld();
      return this.opened;
    }
  };
}

/** The trace tests' five actors (test/trace/helpers.ts startChain), on an app with `plugins`. */
export const startChainWith = async (plugins: readonly Plugin[]): Promise<Chain> => {
  const f = await startFixture({ plugins });
  const farm = await f.register('dachen-farm-01', 'producer', { name: '台州大陈岛养殖有限公司', region: '浙江省台州市椒江区' });
  const inspector = await f.register('tz-inspect-01', 'inspector', { name: '台州市食品药品检验研究院' });
  const processor = await f.register('jj-process-01', 'processor', { name: '椒江海鲜加工厂' });
  const carrier = await f.register('zjl-cold-01', 'carrier', { name: '浙冷链冷链物流' });
  const market = await f.register('hz-market-01', 'retailer', { name: '杭州联华超市' });
  return { f, farm, inspector, processor, carrier, market };
};

/** Expects a 200 and returns the body. */
export const ok = async (req: request.Test): Promise<any> => {
  const res = await req;
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

/** Polls a verification job until it is done (no timing: it yields between polls and gives up after many). */
export const jobDone = async (f: Fixture, location: string, key: Parameters<Fixture['get']>[1]): Promise<any> => {
  for (let i = 0; i < 100_000; i++) {
    const job = await ok(f.get(location, key));
    if (job.state === 'done') return job;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`job ${location} never finished`);
};

/** `anxin verify --data DIR` (or `--database URL` on PostgreSQL) pinned to the fixture's origin and operator key (the ledger must be closed). */
export const verifyFixtureDir = (f: Fixture): Promise<Run> =>
  anxin([
    'verify',
    ...(f.database ? ['--database', f.database] : ['--data', f.dir]),
    '--origin',
    ORIGIN,
    '--operator-key',
    f.operator.publicKey,
  ]);
