/**
 * 10,000 parallel connections on loopback against the compiled server in a
 * process of its own (its open-file limit raised for it): while they are open
 * the service still answers /healthz and takes a normal POST, and connections
 * beyond ANXIN_MAX_CONNECTIONS are closed unanswered without touching the
 * ledger. Timings of the same probe are in `npm run bench -- --only hostile`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { nodeSuite, readKeyFile, signEnvelope, type SigningKey } from '../../ledger/index.js';
import { send } from './http-support.js';
import { eventually } from './support.js';
import { childOpenFiles, openFileLimits, startServerProcess, type ServerProcess } from './process-support.js';

const OPEN = 10_000;
const SLACK = 10;
const EXCESS = 100;
/** Descriptors each side needs besides the connections (LevelDB tables, workers, pipes). */
const SPARE = 300;

const mine = openFileLimits();
const serverGets = childOpenFiles(65_536);
const why =
  mine && mine.soft < OPEN + EXCESS + SPARE
    ? `this test process may open ${mine.soft} files (ulimit -n); it needs ${OPEN + EXCESS + SPARE}`
    : serverGets < OPEN + SLACK + SPARE
      ? `the server process can raise its open-file limit only to ${serverGets} (ulimit -Hn); it needs ${OPEN + SLACK + SPARE}`
      : undefined;
if (why) console.warn(`many-connections.test.ts skipped: ${why}. Raise the limits (e.g. ulimit -n 65536) to run it.`);
const maybe = why ? test.skip : test;

const dir = mkdtempSync(join(tmpdir(), 'anxin-conns-'));
let server: ServerProcess;
let regulator: SigningKey;
const idle: Socket[] = [];

beforeAll(async () => {
  if (why) return;
  server = await startServerProcess(
    dir,
    {
      ANXIN_MAX_CONNECTIONS: String(OPEN + SLACK),
      // Idle connections are cut at the headers timeout; the probe takes seconds, not a minute.
      ANXIN_HEADERS_TIMEOUT_MS: '60000',
      ANXIN_REQUEST_TIMEOUT_MS: '120000',
      ANXIN_RATE_WRITES: '0',
    },
    65_536,
  );
  regulator = readKeyFile(join(dir, 'regulator.key'));
}, 60_000);

afterAll(async () => {
  for (const s of idle) s.destroy();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens `n` raw connections that send nothing, at most 256 connecting at a time; resolves once all are connected. */
const openIdle = async (n: number): Promise<void> => {
  let next = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const sock = connect(server.port, '127.0.0.1', () => resolve());
      sock.once('error', reject);
      idle.push(sock);
    });
  await Promise.all(
    Array.from({ length: 256 }, async () => {
      while (next < n) {
        next++;
        await one();
      }
    }),
  );
};

const size = async (): Promise<number> => {
  const res = await send(server.port, 'GET', '/healthz');
  expect(res.status).toBe(200);
  return res.json.size as number;
};

let seq = 0;
const event = () => {
  const n = seq++;
  return Buffer.from(
    JSON.stringify(
      signEnvelope(nodeSuite, regulator.seed, {
        v: 1,
        id: `connection-${n}`,
        type: 'actor.register',
        actor: regulator.id,
        at: new Date().toISOString(),
        body: { id: `conn-${n}`, role: 'producer', name: `Conn ${n}`, publicKey: regulator.publicKey },
      }),
    ),
  );
};

/**
 * A connection opened now that POSTs one event once `go` resolves; `closed` tells
 * whether the server has closed it, `answer` resolves with the status code, or
 * 'closed' when it was closed unanswered.
 */
const heldConnection = (go: Promise<void>) => {
  let got = '';
  const sock = connect(server.port, '127.0.0.1');
  sock.on('data', (d) => (got += d.toString('latin1')));
  sock.on('error', () => undefined);
  const answer = new Promise<string>((resolve) => sock.on('close', () => resolve(got ? got.slice(9, 12) : 'closed')));
  void go.then(() => {
    if (sock.destroyed) return;
    const body = event();
    const head = `POST /v1/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    // write, not end: a client that half-closes has its answer aborted by Node (httpAllowHalfOpen is off), though the event is taken.
    sock.write(Buffer.concat([Buffer.from(head), body]));
  });
  return { closed: () => sock.destroyed, answer };
};

maybe(
  `when ${OPEN.toLocaleString('en')} connections are open at once, then /healthz and a normal POST are answered, and connections beyond the cap are closed unanswered with the ledger unchanged`,
  async () => {
    const before = await size();
    await openIdle(OPEN);
    expect(idle).toHaveLength(OPEN);

    // Within the cap: the service answers its health and takes an append.
    expect(await size()).toBe(before);
    expect((await send(server.port, 'POST', '/v1/events', event(), { 'content-type': 'application/json' })).status).toBe(201);
    expect(await size()).toBe(before + 1);

    // Beyond the cap: EXCESS more connections; the server closes all but at most SLACK of them at once, unread.
    let post!: () => void;
    const go = new Promise<void>((r) => (post = r));
    const held = Array.from({ length: EXCESS }, () => heldConnection(go));
    await eventually(() => held.filter((h) => h.closed()).length >= EXCESS - SLACK, 60_000);
    // The ones let in post an event each: they are answered 201, and the others appended nothing.
    post();
    const answers = await Promise.all(held.map((h) => h.answer));
    const served = answers.filter((a) => a !== 'closed');
    expect(served.length).toBeLessThanOrEqual(SLACK);
    expect(served.filter((a) => a !== '201')).toEqual([]);
    expect(idle.filter((s) => s.destroyed).length).toBe(0);

    // Once the idle connections are gone, the service answers as before and holds exactly what it acknowledged.
    for (const s of idle) s.destroy();
    const after = await (async () => {
      for (;;) {
        const res = await send(server.port, 'GET', '/healthz').catch(() => undefined);
        if (res?.status === 200) return res.json.size as number;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    expect(after).toBe(before + 1 + served.length);
  },
  120_000,
);
