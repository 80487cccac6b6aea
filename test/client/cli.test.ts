/**
 * `anxin sign`, `anxin post` and `anxin get` as a user runs them: the compiled
 * CLI (dist/, from `npm run build`) in a child process, against a real server
 * listening on loopback in this test. Exit codes: 0 success, 1 rejected or not
 * verified, 2 bad arguments.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { toBase64Url, verifyEnvelopeSignature, nodeSuite, type Envelope, type SigningKey } from '../../ledger/index.js';
import { EVENT_ID_PATTERN } from '../../schemas/common.js';
import { Clock, newKey, startFixture, type Fixture } from '../helpers/fixture.js';
import { listen } from '../http/support.js';

const CLI = resolve(process.cwd(), 'dist/scripts/anxin.js');
/** Child processes are slow on a loaded machine: a generous per-test timeout (nothing here asserts a duration). */
const SLOW = 60_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI asynchronously (the server under test lives in this process). */
const anxin = (args: string[], stdin = ''): Promise<Run> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });

let f: Fixture;
let server: Awaited<ReturnType<typeof listen>>;
let work: string;
const keyFile = (key: SigningKey): string => {
  const file = join(work, `${key.id}-${key.publicKey.slice(0, 8)}.key`);
  writeFileSync(file, JSON.stringify({ id: key.id, publicKey: key.publicKey, secretKey: toBase64Url(key.seed) }), { mode: 0o600 });
  return file;
};
const registration = (id: string) => ({ id, role: 'auditor', name: `auditor ${id}`, publicKey: newKey(id).publicKey });

beforeAll(async () => {
  expect(existsSync(CLI)).toBe(true); // run `npm run build` first
  // The CLI stamps events and requests with the real clock, so the server runs on it too.
  const clock = new Clock(Date.now());
  clock.now = () => Date.now();
  f = await startFixture({ clock });
  server = await listen(f);
  work = mkdtempSync(join(tmpdir(), 'anxin-cli-'));
});
afterAll(async () => {
  await server.close();
  await f.close();
  rmSync(work, { recursive: true, force: true });
});

describe('anxin sign', () => {
  test(
    'when an envelope template comes on stdin, then it prints a signed envelope that verifies with the key',
    async () => {
      const body = registration('aud-s1');
      const run = await anxin(['sign', '--key', keyFile(f.regulator)], JSON.stringify({ type: 'actor.register', body }));
      expect(run.code).toBe(0);
      const env = JSON.parse(run.stdout) as Envelope;
      expect(env).toMatchObject({ v: 1, type: 'actor.register', actor: 'regulator', body });
      expect(env.id).toMatch(EVENT_ID_PATTERN);
      expect(Math.abs(Date.parse(env.at) - Date.now())).toBeLessThan(600_000);
      expect(verifyEnvelopeSignature(nodeSuite, env, f.regulator.publicKey, env.sig)).toBe(true);
    },
    SLOW,
  );

  test(
    'when the template gives id and at, then they are kept, and the signed envelope is accepted by the service',
    async () => {
      const template = { id: 'cli-sign-000001', at: new Date().toISOString(), type: 'actor.register', body: registration('aud-s2') };
      const run = await anxin(['sign', '--key', keyFile(f.regulator)], JSON.stringify(template));
      const env = JSON.parse(run.stdout) as Envelope;
      expect(env).toMatchObject(template);
      const res = await fetch(`${server.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: run.stdout,
      });
      expect(res.status).toBe(201);
    },
    SLOW,
  );

  test(
    'when a holder key is given, then the envelope carries a holder co-signature over the same bytes',
    async () => {
      const holder = newKey('holder');
      const run = await anxin(
        ['sign', '--key', keyFile(f.regulator), '--holder', keyFile(holder)],
        JSON.stringify({ type: 'card.consume', body: { card: 'C-1', amount: 100 } }),
      );
      expect(run.code).toBe(0);
      const env = JSON.parse(run.stdout) as Envelope;
      expect(verifyEnvelopeSignature(nodeSuite, env, holder.publicKey, env.cosig!.holder)).toBe(true);
    },
    SLOW,
  );

  test(
    'when stdin is not JSON, then exit 2',
    async () => {
      const run = await anxin(['sign', '--key', keyFile(f.regulator)], 'not json');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('stdin is not JSON');
    },
    SLOW,
  );

  test(
    'when --key is missing, then exit 2 with the usage',
    async () => {
      const run = await anxin(['sign'], '{}');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--key is required');
    },
    SLOW,
  );

  test(
    'when the key file does not exist, then exit 2',
    async () => {
      expect((await anxin(['sign', '--key', join(work, 'none.key')], '{}')).code).toBe(2);
    },
    SLOW,
  );
});

describe('anxin post', () => {
  test(
    'when the event is accepted, then it prints the receipt, checks its inclusion proof and exits 0',
    async () => {
      const size = f.ledger.size;
      const run = await anxin(
        ['post', '--url', server.url, '--key', keyFile(f.regulator)],
        JSON.stringify({ type: 'actor.register', body: registration('aud-p1') }),
      );
      expect(run.code).toBe(0);
      const receipt = JSON.parse(run.stdout);
      expect(receipt.index).toBe(size);
      expect(receipt.leaf).toBe(f.ledger.entry(size)!.leaf);
      expect(run.stderr).toContain(`entry ${size} appended; inclusion proof verified`);
    },
    SLOW,
  );

  test(
    "when --operator-key matches the server's, then exit 0",
    async () => {
      const run = await anxin(
        ['post', '--url', server.url, '--key', keyFile(f.regulator), '--operator-key', f.operator.publicKey],
        JSON.stringify({ type: 'actor.register', body: registration('aud-p2') }),
      );
      expect(run.code).toBe(0);
    },
    SLOW,
  );

  test(
    'when --operator-key is another key, then exit 1 saying so, and nothing is posted',
    async () => {
      const size = f.ledger.size;
      const run = await anxin(
        ['post', '--url', server.url, '--key', keyFile(f.regulator), '--operator-key', newKey('operator').publicKey],
        JSON.stringify({ type: 'actor.register', body: registration('aud-p3') }),
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('another operator key');
      expect(f.ledger.size).toBe(size);
      expect((await fetch(`${server.url}/v1/actors/aud-p3`)).status).toBe(404);
    },
    SLOW,
  );

  test(
    'when the service rejects the event, then exit 1 and the problem body on stdout',
    async () => {
      const size = f.ledger.size;
      const run = await anxin(
        ['post', '--url', server.url, '--key', keyFile(f.regulator)],
        JSON.stringify({ type: 'actor.register', body: registration('regulator') }),
      );
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 409, code: 'actor_exists' });
      expect(run.stderr).toContain('409 actor_exists');
      expect(f.ledger.size).toBe(size);
    },
    SLOW,
  );

  test(
    "when the key is not the actor's registered key, then exit 1 with bad_signature",
    async () => {
      const run = await anxin(
        ['post', '--url', server.url, '--key', keyFile(newKey('regulator'))],
        JSON.stringify({ type: 'actor.register', body: registration('aud-p4') }),
      );
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout).code).toBe('bad_signature');
    },
    SLOW,
  );

  test(
    'when --url is missing, then exit 2',
    async () => {
      expect((await anxin(['post', '--key', keyFile(f.regulator)], '{}')).code).toBe(2);
    },
    SLOW,
  );
});

describe('anxin get', () => {
  test(
    'when a regulator gets an entry, then it prints the entry with its proof and exits 0',
    async () => {
      const run = await anxin(['get', '--url', server.url, '--key', keyFile(f.regulator), '/v1/entries/1?size=2']);
      expect(run.code).toBe(0);
      const body = JSON.parse(run.stdout);
      expect(body.entry).toEqual(f.ledger.entry(1));
      expect(body.proof.size).toBe(2);
    },
    SLOW,
  );

  test(
    'when the path has a query, then the signature covers it and the read is answered',
    async () => {
      const run = await anxin(['get', '--url', server.url, '--key', keyFile(f.regulator), '/v1/entries?from=1&limit=1']);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).entries.map((e: { index: number }) => e.index)).toEqual([1]);
    },
    SLOW,
  );

  test(
    'when the caller may not read, then exit 1 with 403 forbidden',
    async () => {
      const producer = await f.register('prod-g', 'producer');
      const run = await anxin(['get', '--url', server.url, '--key', keyFile(producer), '/v1/entries']);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 403, code: 'forbidden' });
    },
    SLOW,
  );

  test(
    'when the key is unknown to the service, then exit 1 with 401 unauthenticated',
    async () => {
      const run = await anxin(['get', '--url', server.url, '--key', keyFile(newKey('stranger')), '/v1/entries']);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout).code).toBe('unauthenticated');
    },
    SLOW,
  );

  test(
    'when no path is given, then exit 2',
    async () => {
      expect((await anxin(['get', '--url', server.url, '--key', keyFile(f.regulator)])).code).toBe(2);
    },
    SLOW,
  );
});
