/**
 * SIGKILL during batches: the compiled server takes concurrent batches of 40
 * events and is killed mid-stream. Restarted on the same data directory, it
 * holds every batch it acknowledged, each batch entirely or not at all, and the
 * log verifies from genesis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nodeSuite, readKeyFile, signEnvelope, verifyDataDir, type Envelope, type SigningKey } from '../../ledger/index.js';
import { signRequest } from '../../ledger/message-signatures.js';

const SERVER = resolve('dist/src/server.js');
const dir = mkdtempSync(join(tmpdir(), 'anxin-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const start = (): Promise<{ child: ChildProcess; url: string }> =>
  new Promise((ready, fail) => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('ANXIN_') && k !== 'PORT' && k !== 'NODE_ENV'),
    );
    const child = spawn(process.execPath, [SERVER], { env: { ...env, PORT: '0', ANXIN_DATA: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString('utf8');
      const m = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (m) ready({ child, url: `http://127.0.0.1:${m[1]}` });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => fail(new Error(`the server exited (${code}):\n${out}`)));
  });

const batchOf = (regulator: SigningKey, b: number): Envelope[] =>
  Array.from({ length: 40 }, (_, i) =>
    signEnvelope(nodeSuite, regulator.seed, {
      v: 1,
      id: `kill-${b}-${i}`.padEnd(8, '0'),
      type: 'actor.register',
      actor: regulator.id,
      at: new Date().toISOString(),
      body: { id: `k-${b}-${i}`, role: 'producer', name: `K ${b} ${i}`, publicKey: regulator.publicKey },
    }),
  );

test('when the server is killed with SIGKILL while taking batches, then after a restart every acknowledged batch is there, no batch is partial, and the log verifies', async () => {
  let server = await start();
  const regulator = readKeyFile(join(dir, 'regulator.key'));
  const acknowledged = new Set<number>();
  let b = 0;
  let killed = false;
  const poster = async () => {
    while (!killed) {
      const n = b++;
      try {
        const res = await fetch(`${server.url}/v1/events/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ events: batchOf(regulator, n) }),
        });
        if (res.status === 201) acknowledged.add(n);
        else throw new Error(`batch ${n}: ${res.status} ${await res.text()}`);
      } catch (e) {
        if (!killed) console.error(e);
        return; // the connection died with the server
      }
    }
  };
  const posting = Array.from({ length: 4 }, poster);
  while (acknowledged.size < 3) await new Promise((r) => setTimeout(r, 10));
  server.child.removeAllListeners('exit');
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGKILL');
  killed = true;
  await exited;
  await Promise.all(posting);

  server = await start();
  try {
    const path = '/v1/entries?from=1&limit=1000';
    const entries: Array<{ event: Envelope }> = [];
    for (let next: string | null = path; next;) {
      const headers = signRequest(nodeSuite, regulator, { method: 'GET', target: next });
      const page = (await (await fetch(`${server.url}${next}`, { headers })).json()) as {
        entries: Array<{ event: Envelope }>;
        next: string | null;
      };
      entries.push(...page.entries);
      next = page.next;
    }
    const perBatch = new Map<number, number>();
    for (const e of entries) {
      const m = /^kill-(\d+)-/.exec(e.event.id);
      if (m) perBatch.set(Number(m[1]), (perBatch.get(Number(m[1])) ?? 0) + 1);
    }
    for (const n of acknowledged) expect(perBatch.get(n)).toBe(40);
    for (const count of perBatch.values()) expect(count).toBe(40);
  } finally {
    server.child.removeAllListeners('exit');
    const exited2 = new Promise((r) => server.child.once('exit', r));
    server.child.kill('SIGTERM');
    await exited2;
  }
  const operator = readKeyFile(join(dir, 'operator.key'));
  const report = await verifyDataDir(dir, { origin: 'anxin.local/ledger', operatorKey: operator.publicKey });
  expect(report.ok).toBe(true);
}, 240_000);
