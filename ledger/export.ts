/**
 * NDJSON export (SPEC §9): a header line { origin, operatorKey, checkpoint },
 * then one entry per line, in index order, up to the checkpoint's size.
 * Verification of an export or of a data directory.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Checkpoint } from './checkpoint.js';
import type { Entry } from './entry.js';
import { LedgerError } from './errors.js';
import type { GenesisBody } from './genesis.js';
import { decodeTreeRecord, type LogStore } from './store.js';
import type { NodeId } from './merkle.js';
import { withSnapshot } from './snapshot.js';
import { openStore } from './open-store.js';
import { verifyLog, type VerifyError, type VerifyOptions, type VerifyReport } from './verify.js';

export interface ExportHeader {
  origin: string;
  operatorKey: string;
  checkpoint: Checkpoint;
}

const parseJson = <T>(text: string | undefined): T | undefined => {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as T);
  } catch {
    return undefined;
  }
};

export const exportHeader = (store: LogStore): ExportHeader => {
  const checkpoint = parseJson<Checkpoint>(store.head());
  const genesis = parseJson<Entry>(store.entry(0));
  if (!checkpoint || !genesis) throw new LedgerError('LEDGER_NOT_FOUND', 'the database holds no ledger');
  return { origin: checkpoint.origin, operatorKey: (genesis.event.body as GenesisBody).operatorKey, checkpoint };
};

/** Writes the export line by line; `write` may return a promise to apply backpressure. */
export const exportNdjson = async (store: LogStore, write: (line: string) => unknown): Promise<ExportHeader> => {
  const header = exportHeader(store);
  await write(JSON.stringify(header) + '\n');
  for await (const { text } of store.entries(0, header.checkpoint.size)) await write(text + '\n');
  return header;
};

/** Runs `fn` on the ledger store at `path` (a LevelDB directory, read through a private snapshot) or `database` (a PostgreSQL URL, read only). */
export const withStore = async <T>(where: { path?: string; database?: string }, fn: (store: LogStore) => Promise<T>): Promise<T> => {
  if (!where.database) return withSnapshot(where.path!, fn);
  const store = await openStore({ database: where.database, create: false, readOnly: true });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
};

const parseLine = (line: string): unknown => {
  try {
    return JSON.parse(line);
  } catch {
    return { malformed: line.slice(0, 80) };
  }
};

/** Verifies an NDJSON export against the pinned origin and operator key. */
export const verifyExport = async (path: string, options: Omit<VerifyOptions, 'checkpoints' | 'nodes'>): Promise<VerifyReport> => {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })[Symbol.asyncIterator]();
  const first = await lines.next();
  const header = (first.done ? undefined : parseLine(first.value)) as Partial<ExportHeader> | undefined;
  const checkpoints = header?.checkpoint ? [header.checkpoint as Checkpoint] : [];
  async function* entries(): AsyncGenerator<unknown> {
    for (;;) {
      const next = await lines.next();
      if (next.done) return;
      if (next.value.trim()) yield parseLine(next.value);
    }
  }
  const report = await verifyLog(entries(), { ...options, checkpoints });
  if (!header?.checkpoint) report.errors.unshift({ index: 0, code: 'checkpoint_invalid', detail: 'the export has no header checkpoint' });
  else if (header.operatorKey !== options.operatorKey || header.origin !== options.origin)
    report.errors.unshift({ index: 0, code: 'genesis_invalid', detail: 'the export header names another origin or operator key' });
  else if (report.size > header.checkpoint.size) {
    // Only the checkpoint commits the operator to the entries; lines past it are unvouched for.
    const size = header.checkpoint.size;
    report.errors.push({
      index: size,
      code: 'checkpoint_missing',
      detail: `entries ${size}..${report.size - 1} are past the export's checkpoint (size ${size})`,
    });
    report.errors.sort((a, b) => a.index - b.index);
  }
  report.ok = report.errors.length === 0;
  return report;
};

/** Verifies a data directory without modifying it: entries, stored tree and every stored checkpoint. */
export const verifyDataDir = (dir: string, options: Omit<VerifyOptions, 'checkpoints' | 'nodes'>): Promise<VerifyReport> =>
  withSnapshot(dir, (store) => verifyStore(store, options));

/** Verifies the ledger in a PostgreSQL database, read only. */
export const verifyDatabase = (url: string, options: Omit<VerifyOptions, 'checkpoints' | 'nodes'>): Promise<VerifyReport> =>
  withStore({ database: url }, (store) => verifyStore(store, options));

async function* storeNodes(store: LogStore): AsyncGenerator<{ id: NodeId; hash: Uint8Array }> {
  for await (const { leaf, record } of store.treeRange(0)) yield* decodeTreeRecord(leaf, record);
}

/** Verifies everything a store holds: entries, stored tree, every stored checkpoint, and the head. */
export async function verifyStore(store: LogStore, options: Omit<VerifyOptions, 'checkpoints' | 'nodes'>): Promise<VerifyReport> {
  async function* entries(): AsyncGenerator<unknown> {
    for await (const { text } of store.entries(0)) yield parseLine(text) as Entry;
  }
  async function* checkpoints(): AsyncGenerator<Checkpoint> {
    for await (const { text } of store.checkpoints(0)) yield parseLine(text) as Checkpoint;
  }
  const report = await verifyLog(entries(), { ...options, checkpoints: checkpoints(), nodes: storeNodes(store) });
  const fault = checkHead(store.head(), (size) => store.checkpoint(size), report.size);
  if (fault) {
    report.errors.push(fault);
    report.errors.sort((a, b) => a.index - b.index);
    report.ok = false;
  }
  return report;
}

/**
 * The head pointer is the commit point: the ledger opens at it. It must be the
 * stored checkpoint at the log's exact size (both are written in every batch),
 * or the log holds entries no checkpoint commits to, or will not open at all.
 */
const checkHead = (text: string | undefined, stored: (size: number) => string | undefined, size: number): VerifyError | undefined => {
  const last = Math.max(0, size - 1);
  if (text === undefined)
    return { index: last, code: 'checkpoint_missing', detail: `the head pointer is missing: the ledger will not open` };
  const head = parseLine(text) as Partial<Checkpoint>;
  if (!Number.isSafeInteger(head.size)) return { index: last, code: 'checkpoint_invalid', detail: `the head pointer is not a checkpoint` };
  if (head.size! < size)
    return {
      index: head.size!,
      code: 'checkpoint_missing',
      detail: `the head pointer commits ${head.size} entries; entries ${head.size}..${last} are not committed`,
    };
  if (head.size! > size)
    return { index: size, code: 'entry_missing', detail: `the head pointer commits ${head.size} entries but the log ends at ${size}` };
  if (stored(size) !== text)
    return { index: last, code: 'checkpoint_mismatch', detail: `the head pointer is not the checkpoint signed at size ${size}` };
  return undefined;
};
