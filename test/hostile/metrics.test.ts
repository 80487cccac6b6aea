/**
 * GET /metrics serves Prometheus text from prom-client's default registry: the
 * ledger's size, appends, rejections by code, append and fsync latency, the
 * signature backlog, and whether the ledger takes writes.
 */
import request from 'supertest';
import { SigPool } from '../../ledger/index.js';
import { startFixture, type Fixture } from '../helpers/fixture.js';
import { eventually } from './support.js';

/** The value of one sample line `name{labels} value`. */
const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('GET /metrics', () => {
  let f: Fixture;
  let failing = false;
  const pool = new SigPool(1);
  beforeAll(async () => {
    f = await startFixture({
      app: { pool, preverify: (k, m, s) => pool.verify(k, m, s) },
      ledger: {
        recoveryRetryMs: 20,
        beforeWrite: () => {
          if (failing) throw new Error('EIO');
        },
      },
    });
  });
  afterAll(async () => {
    await f.close();
    await pool.close();
  });

  test('when events are appended and rejected, then the counters, histograms and gauges say so', async () => {
    const before = (await request(f.app).get('/metrics')).text;
    await f.register('m-1', 'producer');
    await f.post(f.regulator, 'actor.register', { id: 'm-1', role: 'producer', name: 'again', publicKey: f.operator.publicKey });
    const res = await request(f.app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(sample(res.text, 'anxin_ledger_entries')).toBe(f.ledger.size);
    expect(sample(res.text, 'anxin_appends_total')! - (sample(before, 'anxin_appends_total') ?? 0)).toBe(1);
    expect(sample(res.text, 'anxin_rejections_total{code="actor_exists"}')).toBeGreaterThanOrEqual(1);
    expect(sample(res.text, 'anxin_append_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(res.text, 'anxin_fsync_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(res.text, 'anxin_signature_backlog')).toBe(0);
    expect(sample(res.text, 'anxin_ledger_writable')).toBe(1);
  });

  test('when a write fails, then anxin_ledger_writable is 0 until the ledger heals', async () => {
    failing = true;
    await f.post(f.regulator, 'actor.register', { id: 'm-2', role: 'producer', name: 'm', publicKey: f.operator.publicKey });
    const down = (await request(f.app).get('/metrics')).text;
    expect(sample(down, 'anxin_ledger_writable')).toBe(0);
    expect(sample(down, 'anxin_ledger_write_failures_total')).toBeGreaterThanOrEqual(1);
    failing = false;
    await eventually(() => f.ledger.health.ok);
    expect(sample((await request(f.app).get('/metrics')).text, 'anxin_ledger_writable')).toBe(1);
  });
});
