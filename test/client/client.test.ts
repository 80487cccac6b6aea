/**
 * The portable client (src/client/client.ts) against a real listening server:
 * it builds, signs and posts events, and checks receipts, checkpoints and
 * consistency without trusting the server; a tampered receipt is rejected.
 */
import { fromHex, toHex, type Checkpoint, type Envelope, type SigningKey, type Suite } from '../../ledger/portable.js';
import { nodeSuite } from '../../ledger/suite-node.js';
import { nobleSuite } from '../../ledger/suite-noble.js';
import { verifyEnvelopeSignature } from '../../ledger/portable.js';
import { AnxinClient, ProblemError, type Receipt } from '../../src/client/client.js';
import { EVENT_ID_PATTERN } from '../../schemas/common.js';
import { ORIGIN, newKey, startFixture, type Fixture } from '../helpers/fixture.js';
import { listen } from '../http/support.js';

let f: Fixture;
let server: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  f = await startFixture();
  server = await listen(f);
});
afterAll(async () => {
  await server.close();
  await f.close();
});

const clientFor = (
  key: SigningKey | undefined,
  suite: Suite = nodeSuite,
  extra: Partial<ConstructorParameters<typeof AnxinClient>[0]> = {},
) => new AnxinClient({ baseUrl: server.url, suite, key, now: f.clock.now, ...extra });
const auditor = (id: string) => ({ id, role: 'auditor', name: `auditor ${id}`, publicKey: newKey(id).publicKey });

describe.each([
  ['nodeSuite', nodeSuite],
  ['nobleSuite', nobleSuite],
])('the client with %s', (name, suite) => {
  let client: AnxinClient;
  let event: Envelope;
  let receipt: Receipt;

  beforeAll(async () => {
    client = clientFor(f.regulator, suite);
    event = client.sign(client.build('actor.register', auditor(`aud-${name}`)));
    receipt = await client.post(event);
  });

  test("build gives a v1 envelope by the client's key with a fresh event id and the current time", () => {
    const built = client.build('actor.register', auditor('x'));
    expect(built).toMatchObject({ v: 1, type: 'actor.register', actor: 'regulator', at: f.clock.iso() });
    expect(built.id).toMatch(EVENT_ID_PATTERN);
    expect(client.build('actor.register', {}).id).not.toBe(built.id);
  });

  test("sign gives a signature that verifies with the actor's public key", () => {
    expect(verifyEnvelopeSignature(nodeSuite, event, f.regulator.publicKey, event.sig)).toBe(true);
  });

  test('when it posts an event, then the receipt names the appended entry', () => {
    expect(f.ledger.entry(receipt.index)!.event).toEqual(event);
    expect(receipt.checkpoint.size).toBeGreaterThan(receipt.index);
  });

  test('when it checks the receipt, then leaf, checkpoint signature and inclusion proof all hold', async () => {
    expect(await client.verifyReceipt(event, receipt)).toBeUndefined();
  });

  test('when it posts the same event again, then it gets the same receipt back', async () => {
    const again = await client.post(event);
    expect({ ...again, checkpoint: undefined }).toEqual({ ...receipt, checkpoint: undefined });
  });

  test('when it posts a batch, then every receipt verifies', async () => {
    const events = [
      client.sign(client.build('actor.register', auditor(`aud-${name}-b1`))),
      client.sign(client.build('actor.register', auditor(`aud-${name}-b2`))),
    ];
    const receipts = await client.postBatch(events);
    expect(receipts.map((r) => r.index)).toEqual([receipts[0].index, receipts[0].index + 1]);
    for (const [i, r] of receipts.entries()) expect(await client.verifyReceipt(events[i], r)).toBeUndefined();
  });

  test('when it checks an older and a newer checkpoint, then they are consistent', async () => {
    await client.post(client.sign(client.build('actor.register', auditor(`aud-${name}-c`))));
    const latest = await client.get<Checkpoint>('/v1/checkpoint', false);
    expect(latest.size).toBeGreaterThan(receipt.checkpoint.size);
    expect(await client.checkCheckpoint(latest)).toBeUndefined();
    expect(await client.verifyConsistency(receipt.checkpoint, latest)).toBeUndefined();
  });
});

describe('tampered receipts and checkpoints', () => {
  const client = () => clientFor(f.regulator);
  let event: Envelope;
  let receipt: Receipt;

  beforeAll(async () => {
    event = client().sign(client().build('actor.register', auditor('aud-t')));
    receipt = await client().post(event);
    // Later entries, so that a changed index still falls inside the checkpoint.
    for (const id of ['aud-t2', 'aud-t3']) await client().post(client().sign(client().build('actor.register', auditor(id))));
    receipt = { ...receipt, checkpoint: await client().get<Checkpoint>('/v1/checkpoint', false) };
    expect(await client().verifyReceipt(event, receipt)).toBeUndefined();
  });

  const flipHex = (h: string) => (h[0] === '0' ? '1' : '0') + h.slice(1);

  test.each<[string, (r: Receipt) => Receipt]>([
    ['the index is changed', (r) => ({ ...r, index: r.index + 1 })],
    ['the time is changed', (r) => ({ ...r, at: new Date(Date.parse(r.at) + 1).toISOString() })],
    ['the leaf is changed', (r) => ({ ...r, leaf: flipHex(r.leaf) })],
    ['the checkpoint root is changed', (r) => ({ ...r, checkpoint: { ...r.checkpoint, root: flipHex(r.checkpoint.root) } })],
    ['the checkpoint size is changed', (r) => ({ ...r, checkpoint: { ...r.checkpoint, size: r.checkpoint.size - 1 } })],
    ['the checkpoint does not cover the entry', (r) => ({ ...r, checkpoint: { ...r.checkpoint, size: r.index } })],
    [
      'the checkpoint note signature is changed',
      (r) => ({
        ...r,
        checkpoint: {
          ...r.checkpoint,
          note: r.checkpoint.note.replace(/ (\S)(\S+)\n$/, (_m, c, rest) => ` ${c === 'A' ? 'B' : 'A'}${rest}\n`),
        },
      }),
    ],
    ['the checkpoint is for another origin', (r) => ({ ...r, checkpoint: { ...r.checkpoint, origin: 'evil.example/ledger' } })],
  ])('when %s, then verifyReceipt says why it fails', async (_what, tamper) => {
    const reason = await client().verifyReceipt(event, tamper(receipt));
    expect(typeof reason).toBe('string');
  });

  test('when the receipt is for another event, then verifyReceipt fails', async () => {
    const other = { ...event, body: { ...(event.body as object), name: 'someone else' } };
    expect(await client().verifyReceipt(other, receipt)).toMatch(/leaf/);
  });

  test('when a checkpoint is signed by another operator key, then checkCheckpoint fails', async () => {
    const pinnedElsewhere = clientFor(f.regulator, nodeSuite, { anchor: { origin: ORIGIN, operatorKey: newKey('operator').publicKey } });
    expect(await pinnedElsewhere.checkCheckpoint(receipt.checkpoint)).toMatch(/operator/);
    expect(await pinnedElsewhere.verifyReceipt(event, receipt)).toMatch(/checkpoint/);
  });

  test('when the newer checkpoint has a forged root, then verifyConsistency fails', async () => {
    const latest = await client().get<Checkpoint>('/v1/checkpoint', false);
    const forged = { ...latest, root: toHex(fromHex(flipHex(latest.root))!) };
    expect(await client().verifyConsistency(receipt.checkpoint, forged)).toBeDefined();
  });
});

describe('answers the client turns into ProblemError', () => {
  test('when the service rejects an event, then post throws a ProblemError with the status, code and detail', async () => {
    const c = clientFor(f.regulator);
    const err = await c.post(c.sign(c.build('actor.register', auditor('regulator')))).catch((e) => e);
    expect(err).toBeInstanceOf(ProblemError);
    expect(err).toMatchObject({ status: 409, code: 'actor_exists', detail: expect.any(String) });
  });

  test('when the key is not registered, then a signed get throws 401 unauthenticated', async () => {
    const err = await clientFor(newKey('stranger'))
      .get('/v1/entries')
      .catch((e) => e);
    expect(err).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  test('when a regulator signs a get, then the read is answered', async () => {
    const page = await clientFor(f.regulator).get<{ entries: unknown[]; next: string }>('/v1/entries?limit=2');
    expect(page.entries).toHaveLength(2);
    expect(page.next).toBe('/v1/entries?from=2&limit=2');
  });

  test('a client without a key cannot sign', () => {
    expect(() => clientFor(undefined).build('actor.register', {})).toThrow(TypeError);
  });
});
