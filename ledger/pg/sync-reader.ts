/**
 * Synchronous point reads from PostgreSQL, for the few ledger reads whose API is
 * synchronous (one entry, one checkpoint: the domain's read views call them the
 * way LevelDB's getSync serves them). A worker thread holds its own connection;
 * the caller posts a query and blocks on an Atomics.wait until the worker has
 * answered, then takes the answer with receiveMessageOnPort. One round trip on
 * the local socket; the caller's thread waits for it, as it waits for a disk
 * read on LevelDB. A read that takes longer than `timeoutMs` fails (the
 * database is unreachable), so a lost database cannot hang the service.
 *
 * The worker is plain JavaScript from a string (like sigpool.ts): it runs the
 * same under the compiled build, ts-jest and scripts.
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { LedgerError } from '../errors.js';

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const pg = require(workerData.pg);
const { port, flag, url } = workerData;
let client;
const connect = async () => {
  if (client) return client;
  const c = new pg.Client({ connectionString: url, application_name: 'anxin-sync-reader' });
  c.on('error', () => { if (client === c) client = undefined; });
  await c.connect();
  client = c;
  return c;
};
// Eagerly: the first read should not wait for a connection (nor the caller's thread, blocked meanwhile).
connect().catch(() => {}).finally(() => parentPort.postMessage('ready'));
port.on('message', async ({ id, text, values }) => {
  let reply;
  try {
    const c = await connect();
    const res = await c.query({ text, values, rowMode: 'array' });
    reply = { id, rows: res.rows };
  } catch (e) {
    if (client) { client.end().catch(() => {}); client = undefined; }
    reply = { id, error: String(e && e.message || e) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

export class SyncReader {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;
  /** Resolves once the worker has started and tried to connect (await it before the first read). */
  readonly ready: Promise<void>;

  constructor(
    url: string,
    private readonly timeoutMs = 10_000,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const pg = createRequire(import.meta.url).resolve('pg');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, flag: this.flag, url, pg },
      transferList: [port2],
    });
    this.worker.unref();
    this.ready = new Promise((resolve) => {
      this.worker.once('message', () => resolve());
      this.worker.once('error', () => resolve());
      this.worker.once('exit', () => resolve());
    });
  }

  /** Runs one query and returns its rows (as arrays); throws LEDGER_UNAVAILABLE when the database does not answer. */
  query(text: string, values: unknown[]): unknown[][] {
    const id = this.nextId++;
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ id, text, values });
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const wait = deadline - Date.now();
      if (wait <= 0 || Atomics.wait(this.flag, 0, 0, wait) === 'timed-out')
        throw new LedgerError('LEDGER_UNAVAILABLE', 'the database did not answer a read in time');
      // Reset before draining: an answer posted after the drain sets the flag again.
      Atomics.store(this.flag, 0, 0);
      // Answers to earlier, timed-out reads may arrive first: skip them.
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        const reply = m.message as { id: number; rows?: unknown[][]; error?: string };
        if (reply.id !== id) continue;
        if (reply.error !== undefined) throw new LedgerError('LEDGER_UNAVAILABLE', `a database read failed: ${reply.error}`);
        return reply.rows!;
      }
    }
  }

  async close(): Promise<void> {
    this.port.close();
    await this.worker.terminate();
  }
}
