/**
 * Proofs people keep (SPEC §12, c2sp.org/tlog-proof): GET /v1/entries/{index}/proof
 * against the newest cosigned checkpoint, with the entry's access rules;
 * `anxin verify-proof --policy FILE PROOF` offline; `anxin post --proof FILE`
 * stores the proof of its receipt. One witness (src/witness, over HTTP) cosigns.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { COSIGNATURE_TYPE, formatVkey, nodeSuite, parsePolicy, toBase64, toBase64Url, type SigningKey } from '../../ledger/index.js';
import { buildApp } from '../../src/app.js';
import { signRequest } from '../../ledger/index.js';
import { PLUGINS } from '../../src/plugins.js';
import { logVkey } from '../../src/tlog/service.js';
import { checkEntryProof } from '../../src/tlog/proof.js';
import { loadWitnessPolicy, WitnessSubmitter } from '../../src/tlog/witnessing.js';
import { startWitnessServer } from '../../src/witness/server.js';
import { Clock, newKey, startFixture, type Fixture } from '../helpers/fixture.js';
import { CLI, requireDist } from '../ledger/support.js';
import { listen } from './helpers.js';

/** A GET signed (RFC 9421) by `key` on the app with witnessing (the fixture's own f.get drives its first app). */
const signedGet = (path: string, key: SigningKey) => {
  const h = signRequest(nodeSuite, { id: key.id, seed: key.seed }, { method: 'GET', target: path }, Math.floor(Date.now() / 1000));
  return request(f.app).get(path).set('Signature-Input', h['Signature-Input']).set('Signature', h.Signature);
};

const run = (args: string[], stdin = '') =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile('node', [CLI, ...args], (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin);
  });

let f: Fixture;
let work: string;
let witness: { server: Server; url: string };
let submitter: WitnessSubmitter;
let http: Awaited<ReturnType<typeof listen>>;
let policyFile: string;
const wKey = newKey('witness.anxin.test-p1');
const keyFile = (k: SigningKey) => {
  const file = join(work, `${k.id}.key`);
  writeFileSync(file, JSON.stringify({ id: k.id, publicKey: k.publicKey, secretKey: toBase64Url(k.seed) }), { mode: 0o600 });
  return file;
};

beforeAll(async () => {
  requireDist();
  const clock = new Clock(Date.now());
  clock.now = () => Date.now(); // the CLI stamps events with the real clock
  f = await startFixture({ clock });
  await f.register('aud-01', 'auditor');
  work = mkdtempSync(join(tmpdir(), 'anxin-proof-'));
  const vkey = logVkey(f.ledger.origin, f.ledger.operatorKey);
  witness = await startWitnessServer(
    { key: wKey, policy: parsePolicy(nodeSuite, `log ${vkey}\nquorum none\n`), dataDir: work },
    '127.0.0.1',
    0,
  );
  policyFile = join(work, 'policy.txt');
  const wVkey = formatVkey(nodeSuite, wKey.id, COSIGNATURE_TYPE, nodeSuite.publicKey(wKey.seed)).vkey;
  writeFileSync(policyFile, `log ${vkey}\nwitness p1 ${wVkey} ${witness.url}\nquorum p1\n`);
  submitter = new WitnessSubmitter(f.ledger, loadWitnessPolicy(policyFile, vkey), { pollMs: 20, backoffMs: 50 }).start();
  f.app = buildApp({ ledger: f.ledger, config: f.config, now: f.clock.now, plugins: PLUGINS, witnessing: submitter });
  http = await listen(f.app);
  const end = Date.now() + 20_000;
  while (submitter.cosigned()?.size !== f.ledger.size && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}, 60_000);

afterAll(async () => {
  await submitter.stop();
  await http.close();
  await new Promise<void>((r) => {
    witness.server.closeAllConnections();
    witness.server.close(() => r());
  });
  await f.close();
  rmSync(work, { recursive: true, force: true });
});

describe('GET /v1/entries/{index}/proof', () => {
  it('when a regulator asks, then it is a tlog-proof against the cosigned checkpoint holding the canonical entry, which verifies under the policy', async () => {
    const res = await signedGet('/v1/entries/1/proof', f.regulator);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    const policy = loadWitnessPolicy(policyFile, logVkey(f.ledger.origin, f.ledger.operatorKey));
    const checked = checkEntryProof(nodeSuite, policy, res.text);
    expect(typeof checked === 'string' ? checked : 'verified').toBe('verified');
    const e = f.ledger.entry(1)!;
    expect(checked).toMatchObject({ index: 1, size: submitter.cosigned()!.size, entry: { index: 1, at: e.at, event: e.event } });
    expect(Object.keys((checked as { cosignedBy: object }).cosignedBy)).toEqual(['p1']);
  });

  it('when nobody signs the request, then 401 unauthenticated', async () => {
    const anon = await request(f.app).get('/v1/entries/1/proof');
    expect(anon.status).toBe(401);
    expect(anon.body.code).toBe('unauthenticated');
  });

  it('when the entry is past the newest cosigned checkpoint or does not exist, then 404 not_found', async () => {
    const res = await signedGet(`/v1/entries/${f.ledger.size}/proof`, f.regulator);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
  });
});

describe('anxin verify-proof and anxin post --proof', () => {
  it('when post stores its proof, then verify-proof accepts it; with the entry changed or another quorum, it exits 1', async () => {
    const proof = join(work, 'receipt.tlog-proof');
    const body = { id: 'aud-02', role: 'auditor', name: 'auditor 2', publicKey: newKey('aud-02').publicKey };
    const posted = await run(
      ['post', '--url', http.url, '--key', keyFile(f.regulator), '--proof', proof],
      JSON.stringify({ type: 'actor.register', body }),
    );
    expect(posted.code).toBe(0);
    const index = JSON.parse(posted.stdout).index;

    const ok = await run(['verify-proof', '--policy', policyFile, proof]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, index, entry: { event: { body } } });

    const text = readFileSync(proof, 'utf8');
    const extra = text.split('\n')[1].slice('extra '.length);
    const changed = Buffer.from(extra, 'base64').toString('utf8').replace('auditor 2', 'auditor X');
    const forged = join(work, 'forged.tlog-proof');
    writeFileSync(forged, text.replace(extra, toBase64(Buffer.from(changed))));
    const bad = await run(['verify-proof', '--policy', policyFile, forged]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).reason).toMatch(/inclusion proof does not lead/);

    const stricter = join(work, 'stricter.txt');
    const other = formatVkey(nodeSuite, 'witness.other', COSIGNATURE_TYPE, nodeSuite.publicKey(newKey('x').seed)).vkey;
    writeFileSync(
      stricter,
      readFileSync(policyFile, 'utf8').replace('quorum p1', `witness p2 ${other}\ngroup both all p1 p2\nquorum both`),
    );
    const unmet = await run(['verify-proof', '--policy', stricter, proof]);
    expect(unmet.code).toBe(1);
    expect(JSON.parse(unmet.stdout).reason).toMatch(/quorum is not met/);
  }, 60_000);
});
