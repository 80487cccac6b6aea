/**
 * Faults heal and are visible: a ledger on a real 3 MiB tmpfs is filled to the
 * last byte. Appends answer 503 `unavailable` with Retry-After, nothing
 * acknowledged is lost, /healthz answers 503 with the reason; once space comes
 * back the ledger heals by itself (no restart) and appends resume.
 *
 * Mounting needs root (CI runs as root); where mount is not permitted the test
 * is skipped with a warning saying so.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { verifyDataDir } from '../../ledger/index.js';
import { startFixture, type Fixture } from '../helpers/fixture.js';
import { eventually, expectProblem } from './support.js';

const mountPoint = mkdtempSync(join(tmpdir(), 'anxin-tmpfs-'));
const mounted = (() => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    return true;
  } catch (e) {
    console.warn(`SKIPPED test/hostile/disk-full.test.ts: cannot mount a tmpfs here (${(e as Error).message.split('\n')[0]})`);
    return false;
  }
})();

/** Fills the file system holding `dir` to the last byte; returns the filler's path. */
const fillDisk = (dir: string): string => {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
    // Fill the last partial block too.
    try {
      for (;;) writeSync(fd, Buffer.alloc(512, 1));
    } catch {
      /* full */
    }
  } finally {
    closeSync(fd);
  }
  return path;
};

(mounted ? describe : describe.skip)('a full disk', () => {
  let f: Fixture;
  const dir = join(mountPoint, 'ledger');

  beforeAll(async () => {
    f = await startFixture({ dir, ledger: { recoveryRetryMs: 50 } });
  });
  afterAll(async () => {
    await f?.close();
    execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  test('when the disk fills, then appends answer 503 unavailable, /healthz says why, and after space returns the ledger heals without a restart', async () => {
    const acknowledged: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await f.post(f.regulator, 'actor.register', {
        id: `p-${i}`,
        role: 'producer',
        name: `P ${i}`,
        publicKey: f.operator.publicKey,
      });
      expect(res.status).toBe(201);
      acknowledged.push(res.body.index);
    }
    const before = f.state();
    const filler = fillDisk(mountPoint);

    // Appends fail until space is back; a large event makes sure the write needs new space.
    let failed;
    for (let i = 0; i < 50 && !failed; i++) {
      const res = await f.post(f.regulator, 'actor.register', {
        id: `full-${i}`,
        role: 'producer',
        name: '满'.repeat(200),
        publicKey: f.operator.publicKey,
      });
      if (res.status !== 201) failed = res;
    }
    expect(failed).toBeDefined();
    expectProblem(failed!, 503, 'unavailable');
    expect(failed!.headers['retry-after']).toBe('1');
    const health = await request(f.app).get('/healthz');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ ok: false });
    expect(health.body.reason).toMatch(/disk is full/);
    // While it cannot write, further appends are refused at once, and acknowledged entries stay readable.
    const refused = await f.post(f.regulator, 'actor.register', {
      id: 'refused',
      role: 'producer',
      name: 'R',
      publicKey: f.operator.publicKey,
    });
    expectProblem(refused, 503, 'unavailable');
    expect(f.ledger.size).toBeGreaterThanOrEqual(before.size);
    for (const i of acknowledged) expect(f.ledger.entry(i)?.event.body).toMatchObject({ id: `p-${acknowledged.indexOf(i)}` });

    unlinkSync(filler);
    await eventually(async () => (await request(f.app).get('/healthz')).status === 200);
    const after = await f.post(f.regulator, 'actor.register', {
      id: 'after',
      role: 'producer',
      name: 'A',
      publicKey: f.operator.publicKey,
    });
    expect(after.status).toBe(201);
    expect(after.body.index).toBe(f.ledger.size - 1);

    // The healed ledger is one consistent log: everything acknowledged, then the new entry.
    await f.ledger.close();
    const report = await verifyDataDir(dir, { origin: f.config.origin, operatorKey: f.operator.publicKey });
    expect(report).toMatchObject({ ok: true, size: after.body.index + 1 });
  });
});
