/**
 * Witness cosigning from a tlog-policy file (SPEC §12, c2sp.org/tlog-witness),
 * against two real witnesses over HTTP on 127.0.0.1 (src/witness, run here
 * without rule replay, as any C2SP witness): the quorum of both cosigns the
 * service's checkpoints; a witness that loses its state is caught up through a
 * 409; a witness that is down delays the quorum but never an append; a policy
 * that does not name the service's own key stops the service from starting.
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import client from 'prom-client';
import request from 'supertest';
import {
  COSIGNATURE_TYPE,
  formatVkey,
  nodeSuite,
  parseNote,
  parsePolicy,
  verifyCheckpointNote,
  type Policy,
  type SigningKey,
} from '../../ledger/index.js';
import { buildApp } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { logVkey } from '../../src/tlog/service.js';
import { loadWitnessPolicy, WitnessSubmitter } from '../../src/tlog/witnessing.js';
import { startWitnessServer } from '../../src/witness/server.js';
import { STATE_FILE } from '../../src/witness/state.js';
import { newKey, type Fixture } from '../helpers/fixture.js';
import { appendNotes, notePlugin, startNoteFixture } from './helpers.js';
import { PLUGINS } from '../../src/plugins.js';

const dirs: string[] = [];
const tempDir = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), `anxin-${name}-`));
  dirs.push(d);
  return d;
};

/** Waits for `cond` (polling; the assertion that follows is what the test checks). */
const until = async (cond: () => boolean, what: string, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

const witnessVkey = (k: SigningKey): string => formatVkey(nodeSuite, k.id, COSIGNATURE_TYPE, nodeSuite.publicKey(k.seed)).vkey;

let f: Fixture;
const w1Key = newKey('witness.anxin.test-w1');
const w2Key = newKey('witness.anxin.test-w2');
const w1Dir = tempDir('w1');
const w2Dir = tempDir('w2');
let w1: { server: Server; url: string };
let w2: { server: Server; url: string };
let policy: Policy;
let submitter: WitnessSubmitter;
const seen: Array<{ url: string; status: number }> = [];

const startW1 = async (port = 0) => {
  const s = await startWitnessServer({ key: w1Key, policy, dataDir: w1Dir }, '127.0.0.1', port);
  return { server: s.server, url: s.url };
};
const stop = (s: Server) =>
  new Promise<void>((resolve) => {
    s.closeAllConnections();
    s.close(() => resolve());
  });

beforeAll(async () => {
  f = await startNoteFixture();
  const vkey = logVkey(f.ledger.origin, f.ledger.operatorKey);
  // Witnesses need only the log line; they are started before the service's policy exists (ports first).
  const logPolicy = parsePolicy(nodeSuite, `log ${vkey}\nquorum none\n`);
  policy = logPolicy;
  w1 = await startW1();
  w2 = await startWitnessServer({ key: w2Key, policy: logPolicy, dataDir: w2Dir }, '127.0.0.1', 0);
  const file = join(tempDir('policy'), 'policy.txt');
  writeFileSync(
    file,
    [
      `# the service and its two witnesses`,
      `log ${vkey}`,
      `witness w1 ${witnessVkey(w1Key)} ${w1.url}`,
      `witness w2 ${witnessVkey(w2Key)} ${w2.url}`,
      `group both all w1 w2`,
      `quorum both`,
      '',
    ].join('\n'),
  );
  policy = loadWitnessPolicy(file, vkey);
  const recordingFetch: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    seen.push({ url: String(input), status: res.status });
    return res;
  };
  submitter = new WitnessSubmitter(f.ledger, policy, { fetch: recordingFetch, pollMs: 20, backoffMs: 50, maxBackoffMs: 200 }).start();
  f.app = buildApp({ ledger: f.ledger, config: f.config, now: f.clock.now, plugins: [...PLUGINS, notePlugin], witnessing: submitter });
});

afterAll(async () => {
  await submitter.stop();
  await stop(w1.server);
  await stop(w2.server);
  await f.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('witness cosigning', () => {
  it('when the log grows, then both witnesses cosign its newest checkpoint, which /tlog/checkpoint and /v1/checkpoint serve', async () => {
    await appendNotes(f, 30, 10);
    await until(() => submitter.cosigned()?.size === f.ledger.size, 'the quorum at the newest size');
    const tlog = await request(f.app).get('/tlog/checkpoint').buffer(true);
    expect(tlog.status).toBe(200);
    const verified = verifyCheckpointNote(nodeSuite, policy, tlog.text);
    expect(typeof verified).toBe('object');
    expect([...(verified as Exclude<typeof verified, string>).cosigned.keys()].sort()).toEqual(['w1', 'w2']);
    expect(parseNote(tlog.text)!.signatures).toHaveLength(3);
    const cp = (await request(f.app).get('/v1/checkpoint')).body;
    expect(cp.cosigned).toEqual({ size: f.ledger.size, note: tlog.text });
    expect(cp.size).toBe(f.ledger.size);
  });

  it('when the witnesses do not replay the rules, then they cosign no subject note, and no view is taken at a witnessed checkpoint', async () => {
    await until(() => submitter.cosigned()?.size === f.ledger.size, 'the quorum at the newest size');
    const asked = seen.filter((s) => s.url.endsWith('/subjects'));
    expect(asked.length).toBeGreaterThanOrEqual(2);
    expect(new Set(asked.map((s) => s.status))).toEqual(new Set([404]));
    expect(submitter.view()).toBeUndefined();
  });

  it('when a witness loses its state, then the service catches it up from the size its 409 names, and the quorum is met again', async () => {
    const port = (w1.server.address() as { port: number }).port;
    await stop(w1.server);
    unlinkSync(join(w1Dir, STATE_FILE));
    w1 = await startW1(port);
    const before = seen.length;
    await appendNotes(f, 5, 5);
    await until(() => submitter.cosigned()?.size === f.ledger.size, 'the quorum after w1 lost its state');
    const w1Answers = seen.slice(before).filter((s) => s.url.startsWith(w1.url) && s.url.endsWith('/add-checkpoint'));
    // One 409 (it knew size 0), the resend from 0 cosigned, then only 200s.
    expect(w1Answers.map((s) => s.status)).toEqual([409, ...w1Answers.slice(1).map(() => 200)]);
    expect(w1Answers.length).toBeGreaterThan(1);
    const status = await (await fetch(`${w1.url}/status`)).json();
    expect(status.logs[0].size).toBe(f.ledger.size);
  });

  it('when a witness is down, then appends go on, /tlog/checkpoint stays at the last quorum, and its lag is exported', async () => {
    const port = (w2.server.address() as { port: number }).port;
    await stop(w2.server);
    const cosigned = submitter.cosigned()!.size;
    await appendNotes(f, 20, 10);
    expect(f.ledger.size).toBe(cosigned + 21); // the author's registration and 20 notes
    await until(() => submitter.status().find((s) => s.witness === 'w2')!.failures > 0, 'a failure to reach w2');
    const tlog = await request(f.app).get('/tlog/checkpoint').buffer(true);
    expect(tlog.text.split('\n')[1]).toBe(String(cosigned));
    const metric = await client.register.getSingleMetricAsString('anxin_witness_lag_entries');
    expect(metric).toContain(`anxin_witness_lag_entries{witness="w2"} ${f.ledger.size - cosigned}`);
    // Back up: it is caught up after its backoff, and the quorum moves on.
    w2 = await startWitnessServer({ key: w2Key, policy, dataDir: w2Dir }, '127.0.0.1', port);
    await until(() => submitter.cosigned()?.size === f.ledger.size, 'the quorum once w2 is back');
  });
});

describe('a policy that does not name the service', () => {
  it('when ANXIN_WITNESS_POLICY names another log key, then the service refuses to start and names the mismatch', async () => {
    const dir = tempDir('svc');
    const other = logVkey('anxin.test/other', newKey('operator').publicKey);
    const file = join(dir, 'policy.txt');
    writeFileSync(file, `log ${other}\nquorum none\n`);
    const config: Config = {
      port: 0,
      dataDir: join(dir, 'data'),
      origin: 'anxin.test/ledger',
      operatorKeyPath: join(dir, 'data', 'operator.key'),
      regulatorPublicKey: newKey('regulator').publicKey,
      regulatorId: 'regulator',
      maxSkewS: 600,
      publicUrl: 'http://anxin.test',
      witnessPolicy: file,
    };
    await expect(startServer(config)).rejects.toThrow(
      /no log line carries this service's verifier key anxin\.test\/ledger\+[0-9a-f]{8}\+.*anxin\.test\/other\+/,
    );
  });

  it('when the policy file is malformed, then loading it names the line', () => {
    const dir = tempDir('bad');
    const file = join(dir, 'policy.txt');
    writeFileSync(file, `quorum nobody\n`);
    expect(() => loadWitnessPolicy(file, 'x')).toThrow(/policy line 1: nobody is not defined above/);
  });
});
