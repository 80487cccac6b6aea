/**
 * One sequencer, fenced, on a log several service processes share: two child
 * processes (test/fixtures/pg-writer.mjs, the compiled engine) append to one
 * database at once; the sequencer is paused with SIGSTOP while the other takes
 * over, then resumed. Whatever happens, no two entries share an index, every
 * acknowledged entry is in the log as acknowledged, and every stored checkpoint
 * verifies against the one tree (so no two are inconsistent). In process: a
 * follower answers writes 503 not_sequencer with Retry-After and takes over when
 * the sequencer goes; a lost database answers 503 unavailable and heals.
 */
import { jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { Ledger, keyFromSeed, nodeSuite, verifyDatabase, writeKeyFile } from '../../../ledger/index.js';
import { buildApp } from '../../../src/app.js';
import { startCluster, type Cluster } from '../../../scripts/pg-cluster.js';
import { Clock, newKey, signEvent, startFixture } from '../../helpers/fixture.js';
import type { Config } from '../../../src/config.js';
import { describePostgres, freshDatabase, postgresAvailable } from '../../helpers/postgres.js';
import { OPERATOR, ORIGIN, REGULATOR, ROOT, registration, removeTempDirs, requireDist, tempDir } from '../support.js';

jest.setTimeout(120_000);
const TTL_MS = 3000;
process.env.ANXIN_SEQUENCER_TTL_MS = String(TTL_MS);
const WRITER = join(ROOT, 'test/fixtures/pg-writer.mjs');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Writer {
  child: ChildProcess;
  /** Acknowledged appends: index → leaf. */
  acked: Map<number, string>;
  refused: string[];
  /** Lines seen, in order. */
  lines: string[];
  exited: Promise<void>;
}

const startWriter = (url: string, keys: { operator: string; regulator: string }, tag: string): Writer => {
  const child = spawn(process.execPath, [WRITER, url, keys.operator, keys.regulator, ORIGIN, '4', tag], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ANXIN_SEQUENCER_TTL_MS: String(TTL_MS) },
  });
  const w: Writer = { child, acked: new Map(), refused: [], lines: [], exited: new Promise((r) => child.on('close', () => r())) };
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    buf += s;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const line of parts) {
      w.lines.push(line);
      const [kind, a, b] = line.split(' ');
      if (kind === 'ok') w.acked.set(Number(a), b);
      else if (kind === 'refused') w.refused.push(`${a} ${b}`);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => w.lines.push(`stderr: ${s}`));
  return w;
};

const until = async (what: string, cond: () => boolean, writers: Writer[] = [], ms = 90_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end)
      throw new Error(`timed out waiting until ${what}; last lines: ${JSON.stringify(writers.map((w) => w.lines.slice(-4)))}`);
    await sleep(50);
  }
};

/** Every acknowledged entry is in the log, as acknowledged; the whole log and all its checkpoints verify. */
const checkLog = async (url: string, writers: Writer[]): Promise<string[]> => {
  const problems: string[] = [];
  const claims = new Map<number, string>();
  for (const w of writers)
    for (const [index, leaf] of w.acked) {
      if (claims.has(index) && claims.get(index) !== leaf) problems.push(`two processes acknowledged different entries at index ${index}`);
      claims.set(index, leaf);
    }
  const ledger = await Ledger.open({ database: url, origin: ORIGIN, operator: OPERATOR });
  try {
    for (const [index, leaf] of claims)
      if (ledger.entry(index)?.leaf !== leaf) problems.push(`acknowledged entry ${index} is not in the log`);
  } finally {
    await ledger.close();
  }
  const report = await verifyDatabase(url, { origin: ORIGIN, operatorKey: OPERATOR.publicKey, threads: 1 });
  if (!report.ok) problems.push(`verify: ${JSON.stringify(report.errors.slice(0, 3))}`);
  return problems;
};

describePostgres('one sequencer on a shared PostgreSQL log', () => {
  const keys = { operator: '', regulator: '' };
  const writers: Writer[] = [];
  beforeAll(() => {
    requireDist();
    const work = tempDir('sequencer');
    keys.operator = join(work, 'operator.key');
    keys.regulator = join(work, 'regulator.key');
    writeKeyFile(keys.operator, keyFromSeed(nodeSuite, OPERATOR.id, OPERATOR.seed));
    writeKeyFile(keys.regulator, keyFromSeed(nodeSuite, REGULATOR.id, REGULATOR.seed));
  });
  afterEach(async () => {
    for (const w of writers.splice(0)) {
      w.child.kill('SIGCONT');
      w.child.kill('SIGKILL');
      await w.exited;
    }
  });
  afterAll(removeTempDirs);

  const newLog = async (): Promise<string> => {
    const url = await freshDatabase();
    const ledger = await Ledger.open({
      database: url,
      origin: ORIGIN,
      operator: OPERATOR,
      genesis: { regulators: [{ id: REGULATOR.id, name: 'Test regulator', publicKey: REGULATOR.publicKey }] },
    });
    await ledger.close();
    return url;
  };

  test('when two processes append at once, then one sequences, the other is refused, and the log holds exactly what was acknowledged', async () => {
    const url = await newLog();
    const a = startWriter(url, keys, 'a');
    const b = startWriter(url, keys, 'b');
    writers.push(a, b);
    await until(
      'both appended or were refused 50 times',
      () => a.acked.size + b.acked.size > 200 && a.refused.length + b.refused.length > 50,
    );
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
    await Promise.all([a.exited, b.exited]);
    // Exactly one of them held the lease all along.
    expect([a.acked.size > 0, b.acked.size > 0].filter(Boolean)).toHaveLength(1);
    expect((a.acked.size ? b : a).refused.every((r) => r.startsWith('LEDGER_NOT_SEQUENCER'))).toBe(true);
    expect(await checkLog(url, [a, b])).toEqual([]);
  });

  test('when the sequencer is paused (SIGSTOP) and another takes over, then on SIGCONT its writes are refused and nothing forks', async () => {
    const url = await newLog();
    const a = startWriter(url, keys, 'a');
    writers.push(a);
    await until('a appends', () => a.acked.size > 20, [a]);
    const b = startWriter(url, keys, 'b');
    writers.push(b);
    await until('b is refused: a sequences', () => b.refused.length > 0, [a, b]);
    a.child.kill('SIGSTOP');
    const pausedAt = a.lines.length;
    await until('b takes over and appends', () => b.acked.size > 50, [a, b]);
    a.child.kill('SIGCONT');
    await until('a answers again', () => a.lines.slice(pausedAt).some((l) => l.startsWith('refused')), [a, b]);
    await sleep(1000);
    const after = a.lines.slice(pausedAt);
    // A commit a had sent before the pause may have landed and be acknowledged now; anything it did afterwards was refused.
    const firstRefusal = after.findIndex((l) => l.startsWith('refused'));
    expect(after.slice(firstRefusal).filter((l) => l.startsWith('ok'))).toEqual([]);
    b.child.kill('SIGKILL');
    a.child.kill('SIGKILL');
    await Promise.all([a.exited, b.exited]);
    expect(await checkLog(url, [a, b])).toEqual([]);
  });
});

describePostgres('a follower on a shared PostgreSQL log, over HTTP', () => {
  test('when a process does not hold the lease, then it serves reads and answers writes 503 not_sequencer with Retry-After, until the sequencer goes', async () => {
    const f = await startFixture({ backend: 'postgres' });
    const follower = await Ledger.open({ database: f.database!, origin: f.ledger.origin, operator: f.operator, now: f.clock.now });
    const app = buildApp({ ledger: follower, config: f.config, now: f.clock.now });
    try {
      await f.register('m-1', 'producer');
      const register = (id: string) =>
        signEvent(
          f.regulator,
          'actor.register',
          { id, role: 'producer', name: `producer ${id}`, publicKey: newKey(id).publicKey },
          f.clock,
        );
      const refused = await request(app).post('/v1/events').send(register('m-2'));
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe('not_sequencer');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // It follows the sequencer's appends and serves them.
      await until('the follower has caught up', () => follower.size === f.ledger.size);
      expect((await request(app).get('/v1/checkpoint')).body.size).toBe(f.ledger.size);
      expect(follower.get('actor/m-1')).toEqual(f.ledger.get('actor/m-1'));
      // The sequencer goes: the follower takes over and appends.
      await f.ledger.close();
      const env = register('m-3');
      let res = await request(app).post('/v1/events').send(env);
      for (let i = 0; res.status === 503 && i < 100; i++) {
        await sleep(100);
        res = await request(app).post('/v1/events').send(env);
      }
      expect([res.status, res.body.code, res.body.detail]).toEqual([201, undefined, undefined]);
      expect(res.body.index).toBe(follower.size - 1);
    } finally {
      await follower.close();
      await f.close().catch(() => undefined);
    }
  });
});

describePostgres('a lost database', () => {
  let cluster: Cluster;
  beforeAll(() => {
    if (postgresAvailable() && !process.env.ANXIN_TEST_DATABASE_URL) cluster = startCluster();
  });
  afterAll(() => cluster?.stop());

  test('when the database goes away, then writes answer 503 unavailable, and when it returns, the ledger takes writes again', async () => {
    if (!cluster) return; // stopping the server needs a cluster of our own (not ANXIN_TEST_DATABASE_URL's)
    const url = await cluster.createDatabase('lost');
    const l = await Ledger.open({
      database: url,
      origin: ORIGIN,
      operator: OPERATOR,
      genesis: { regulators: [{ id: REGULATOR.id, name: 'Test regulator', publicKey: REGULATOR.publicKey }] },
    });
    try {
      await l.transact((tx) => void tx.append(registration(tx.nextIndex, tx.at)));
      cluster.pause();
      const err = await l.transact((tx) => void tx.append(registration(tx.nextIndex, tx.at))).catch((e: { code?: string }) => e);
      expect((err as { code?: string }).code).toBe('LEDGER_UNAVAILABLE');
      // Over HTTP: 503 unavailable, with Retry-After.
      const config: Config = {
        port: 0,
        dataDir: tempDir('lost'),
        origin: ORIGIN,
        operatorKeyPath: '',
        regulatorPublicKey: REGULATOR.publicKey,
        regulatorId: REGULATOR.id,
        maxSkewS: 600,
        publicUrl: 'http://anxin.test',
      };
      const res = await request(buildApp({ ledger: l, config }))
        .post('/v1/events')
        .send(
          signEvent(
            REGULATOR,
            'actor.register',
            { id: 'm-9', role: 'producer', name: 'm', publicKey: REGULATOR.publicKey },
            new Clock(Date.now()),
          ),
        );
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('unavailable');
      expect(res.headers['retry-after']).toBeDefined();
      cluster.resume();
      let size = -1;
      for (let i = 0; i < 200 && size < 0; i++) {
        await sleep(100);
        size = await l
          .transact((tx) => void tx.append(registration(tx.nextIndex, tx.at)))
          .then(
            () => l.size,
            () => -1,
          );
      }
      expect(size).toBeGreaterThanOrEqual(3);
      expect((await l.verify({ threads: 1 })).ok).toBe(true);
    } finally {
      await l.close();
    }
  });
});
