/**
 * `anxin witness` (SPEC §12): the compiled CLI runs a tlog-witness that follows
 * the log through its /tlog tiles and replays every signature, permission and
 * rule before it cosigns. A dishonest operator that appends a correctly signed
 * entry breaking a rule (as test/regulator/verify-damage.test.ts forges them:
 * straight into the ledger, so hashes and checkpoints stay valid) gets 422, and
 * GET /status names the entry. Also the C2SP status codes and the state that
 * survives a restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  formatAddCheckpoint,
  fromBase64Url,
  fromHex,
  generateKey,
  nodeSuite,
  parseNote,
  parseSignatureLine,
  parseVkey,
  sha256,
  subjectCommitment,
  toHex,
  utf8,
  verifyCosignature,
  verifySubjectNote,
  writeKeyFile,
} from '../../ledger/index.js';
import { logVkey } from '../../src/tlog/service.js';
import { signEvent, startFixture, type Fixture } from '../helpers/fixture.js';
import { CLI, requireDist } from '../ledger/support.js';
import { listen } from './helpers.js';

let f: Fixture;
let http: Awaited<ReturnType<typeof listen>>;
let work: string;
let witness: { child: ChildProcess; url: string; vkey: string };

const startWitness = async (): Promise<typeof witness> => {
  const child = spawn('node', [
    CLI,
    'witness',
    '--key',
    join(work, 'witness.key'),
    '--data',
    join(work, 'state'),
    '--listen',
    '127.0.0.1:0',
    '--policy',
    join(work, 'policy.txt'),
  ]);
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`anxin witness exited with ${code}`)));
  });
  const { url, vkey } = JSON.parse(first);
  return { child, url, vkey };
};
const stopWitness = async () => {
  const exited = new Promise((r) => witness.child.once('exit', r));
  witness.child.kill('SIGTERM');
  await exited;
};

/**
 * GET /<hex SHA-256 of origin>/subjects: the subject note the witness cosigned, checked here as a client would:
 * signed by the operator, cosigned by the witness key; its size and root (hex).
 */
const cosignedSubjects = async (): Promise<{ size: number; root: string }> => {
  const res = await fetch(`${witness.url}/${toHex(sha256(utf8(f.ledger.origin)))}/subjects`);
  expect(res.status).toBe(200);
  const text = await res.text();
  const note = parseNote(text)!;
  const size = Number(note.text.split('\n')[1]);
  const operator = verifySubjectNote(nodeSuite, text, f.ledger.origin, size, fromBase64Url(f.ledger.operatorKey)!);
  if ('reason' in operator) throw new Error(operator.reason);
  const key = parseVkey(nodeSuite, witness.vkey)!;
  expect(note.signatures.filter((sig) => verifyCosignature(nodeSuite, note.text, sig, key))).toHaveLength(1);
  return { size, root: toHex(operator.root) };
};

const addCheckpoint = async (old: number, note = f.ledger.checkpoint.note, size = f.ledger.checkpoint.size) => {
  const proof = old > 0 && old < size ? (await f.ledger.proveConsistency(old, size)).map((h) => fromHex(h)!) : [];
  const res = await fetch(`${witness.url}/add-checkpoint`, { method: 'POST', body: formatAddCheckpoint({ old, proof, checkpoint: note }) });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

beforeAll(async () => {
  requireDist();
  f = await startFixture();
  await f.register('aud-01', 'auditor');
  await f.register('aud-02', 'auditor');
  http = await listen(f.app);
  work = mkdtempSync(join(tmpdir(), 'anxin-witness-'));
  writeKeyFile(join(work, 'witness.key'), generateKey('witness.anxin.test'));
  writeFileSync(join(work, 'policy.txt'), `log ${logVkey(f.ledger.origin, f.ledger.operatorKey)} ${http.url}/tlog\nquorum none\n`);
  witness = await startWitness();
}, 60_000);

afterAll(async () => {
  await stopWitness();
  await http.close();
  await f.close();
  rmSync(work, { recursive: true, force: true });
});

describe('anxin witness', () => {
  let cosignedSize: number;

  it('when the log obeys the rules, then it replays it through the tiles and cosigns (cosignature/v1 by its vkey)', async () => {
    const res = await addCheckpoint(0);
    expect(res.status).toBe(200);
    const key = parseVkey(nodeSuite, witness.vkey)!;
    const note = parseNote(f.ledger.checkpoint.note)!;
    expect(verifyCosignature(nodeSuite, note.text, parseSignatureLine(res.text.trimEnd())!, key)).toBeTruthy();
    cosignedSize = f.ledger.checkpoint.size;
    const status = await (await fetch(`${witness.url}/status`)).json();
    expect(status.logs[0]).toMatchObject({ origin: f.ledger.origin, size: cosignedSize, verified: cosignedSize, firstBad: null });
  });

  it('when it has cosigned a checkpoint, then it serves the subject note at that size with its cosignature', async () => {
    expect(await cosignedSubjects()).toEqual({ size: cosignedSize, root: f.ledger.checkpoint.subjects!.root });
  });

  it('when the old size is not the one it cosigned, then 409 with that size as text/x.tlog.size', async () => {
    const res = await addCheckpoint(0);
    expect(res).toEqual({ status: 409, type: 'text/x.tlog.size', text: `${cosignedSize}\n` });
  });

  it('when the checkpoint is of an unknown log, has a bad signature or is malformed, then 404, 403 and 400', async () => {
    const foreign = f.ledger.checkpoint.note.replace(f.ledger.origin, 'anxin.test/other');
    expect((await addCheckpoint(cosignedSize, foreign)).status).toBe(404);
    const sig = f.ledger.checkpoint.note.match(/ ([A-Za-z0-9+/=]+)\n$/)![1];
    const flipped = Buffer.from(sig, 'base64');
    flipped[10] ^= 1;
    expect((await addCheckpoint(cosignedSize, f.ledger.checkpoint.note.replace(sig, flipped.toString('base64')))).status).toBe(403);
    const res = await fetch(`${witness.url}/add-checkpoint`, { method: 'POST', body: 'hello\n' });
    expect(res.status).toBe(400);
  });

  it('when the operator signs a subject note that leaves an entry out, then 422 naming the index; the honest note is then cosigned', async () => {
    await f.register('aud-04', 'auditor');
    const cp = f.ledger.checkpoint;
    const honest = cp.subjects;
    // The operator's own key signs a map root that is not the replayed one (as if an entry's subject were dropped).
    cp.subjects = subjectCommitment(nodeSuite, f.operator.seed, f.ledger.origin, cp.size, new Uint8Array(32).fill(7));
    try {
      const res = await addCheckpoint(cosignedSize);
      expect(res.status).toBe(422);
      expect(res.text).toContain(`entry ${cp.size - 1}: the subject note disagrees with the replayed subject map`);
      expect((await cosignedSubjects()).size).toBe(cosignedSize); // the forged note is not cosigned
    } finally {
      cp.subjects = honest;
    }
    const res = await addCheckpoint(cosignedSize);
    expect(res.status).toBe(200);
    cosignedSize = cp.size;
    expect(await cosignedSubjects()).toEqual({ size: cp.size, root: honest!.root });
  });

  it('when an entry that breaks a rule is forged into the log, then the next checkpoint gets 422 naming it, and /status reports the first bad index', async () => {
    // The regulator (a valid signature, a permitted role) registers an id that exists: the rule says actor_exists.
    const forged = signEvent(
      f.regulator,
      'actor.register',
      { id: 'aud-02', role: 'auditor', name: 'again', publicKey: f.regulator.publicKey },
      f.clock,
    );
    const bad = (await f.ledger.transact((tx) => tx.append(forged))).value;
    await f.register('aud-03', 'auditor'); // an honest entry after it
    const res = await addCheckpoint(cosignedSize);
    expect(res.status).toBe(422);
    expect(res.text).toContain(`entry ${bad} breaks the anxin rules: actor_exists`);
    const status = await (await fetch(`${witness.url}/status`)).json();
    expect(status.logs[0]).toMatchObject({ size: cosignedSize, firstBad: { index: bad, code: 'actor_exists' } });
  });

  it('when it restarts, then its state says the size it last cosigned (persisted before it answered)', async () => {
    await stopWitness();
    witness = await startWitness();
    expect(await addCheckpoint(0)).toMatchObject({ status: 409, text: `${cosignedSize}\n` });
    expect((await cosignedSubjects()).size).toBe(cosignedSize);
  }, 30_000);
});
