/**
 * Helpers for the engine tests: deterministic keys, temp directories, ledgers on
 * real LevelDB filled with domain-valid events, raw access to the database, and
 * the compiled CLI run as a child process.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ClassicLevel } from 'classic-level';
import {
  Ledger,
  keyFromSeed,
  nodeSuite,
  parseKeyFile,
  sha256,
  signEnvelope,
  utf8,
  type Envelope,
  type Receipt,
  type SigningKey,
} from '../../ledger/index.js';

import { testBackend } from '../helpers/backends.js';
import { freshDatabase } from '../helpers/postgres.js';

export const ORIGIN = 'anxin.test/ledger';
export const ROOT = resolve(process.cwd());
export const CLI = join(ROOT, 'dist/scripts/anxin.js');
export const DIST_LEDGER = join(ROOT, 'dist/ledger/index.js');

/** A key derived from a label, so every run (and every child process) gets the same one. */
export const testKey = (id: string, label: string = id): SigningKey =>
  parseKeyFile(nodeSuite, JSON.stringify(keyFromSeed(nodeSuite, id, sha256(utf8(`anxin-test/${label}`)))));

export const OPERATOR = testKey('operator');
export const REGULATOR = testKey('regulator');

const dirs: string[] = [];
/** A fresh temp directory, removed by `removeTempDirs` (call it in afterAll). */
export const tempDir = (name: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `anxin-${name}-`));
  dirs.push(dir);
  return dir;
};
export const removeTempDirs = (): void => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
};

/** On PostgreSQL (ANXIN_TEST_BACKEND=postgres) each directory stands for a database of its own. */
const databases = new Map<string, Promise<string>>();
export const databaseFor = (path: string): Promise<string> | undefined => {
  if (testBackend() !== 'postgres') return undefined;
  if (!databases.has(path)) databases.set(path, freshDatabase());
  return databases.get(path);
};

/** Opens (creating when `create`) a ledger whose genesis names REGULATOR, in `path` (or its database, on PostgreSQL). */
export const openLedger = async (
  path: string,
  o: { operator?: SigningKey; origin?: string; create?: boolean; state?: Record<string, unknown>; now?: () => number } = {},
): Promise<Ledger> =>
  Ledger.open({
    path,
    database: await databaseFor(path),
    origin: o.origin ?? ORIGIN,
    operator: o.operator ?? OPERATOR,
    now: o.now,
    genesis:
      o.create === false
        ? undefined
        : { regulators: [{ id: REGULATOR.id, name: 'Test regulator', publicKey: REGULATOR.publicKey }], state: () => o.state ?? {} },
  });

/**
 * The event the tests append as entry `index`: a registration by REGULATOR, valid
 * under the domain rules (so `anxin verify` replays it cleanly) and fully
 * determined by (index, at). test/fixtures/crash-child.mjs builds the same one.
 */
export const registration = (index: number, at: string, key: SigningKey = REGULATOR): Envelope =>
  signEnvelope(nodeSuite, key.seed, {
    v: 1,
    id: `reg-${String(index).padStart(8, '0')}`,
    type: 'actor.register',
    actor: key.id,
    at,
    body: { id: `producer-${index}`, role: 'producer', name: `Producer ${index}`, publicKey: REGULATOR.publicKey },
  });

/** Appends one registration per transaction until the ledger has `size` entries, `concurrency` transactions per group. */
export const fillTo = async (ledger: Ledger, size: number, concurrency = 1): Promise<Receipt[]> => {
  const receipts: Receipt[] = [];
  while (ledger.size < size) {
    const wave = Math.min(concurrency, size - ledger.size);
    const done = await Promise.all(
      Array.from({ length: wave }, () => ledger.transact((tx) => tx.append(registration(tx.nextIndex, tx.at)))),
    );
    for (const d of done) receipts.push(...d.receipts);
  }
  return receipts;
};

/** The LevelDB under a (closed) ledger, opened directly. */
export const rawDb = async (dir: string): Promise<ClassicLevel<string, string>> => {
  const db = new ClassicLevel<string, string>(dir, { keyEncoding: 'utf8', valueEncoding: 'utf8', createIfMissing: false });
  await db.open();
  return db;
};

/** SHA-256 of every file under `dir`, by relative path. */
export const hashFiles = (dir: string, prefix = ''): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = join(prefix, name);
    if (statSync(join(dir, rel)).isDirectory()) Object.assign(out, hashFiles(dir, rel));
    else
      out[rel] = createHash('sha256')
        .update(readFileSync(join(dir, rel)))
        .digest('hex');
  }
  return out;
};

/** Fails with a clear message when the compiled CLI and engine are missing or older than their sources. */
export const requireDist = (): void => {
  for (const f of [CLI, DIST_LEDGER])
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` first (\`npm test\` does)`);
  const sources = [...readdirSync(join(ROOT, 'ledger')).map((n) => `ledger/${n}`), 'scripts/anxin.ts'].filter((s) => s.endsWith('.ts'));
  for (const src of sources) {
    const out = join(ROOT, 'dist', src.replace(/\.ts$/, '.js'));
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(join(ROOT, src)).mtimeMs)
      throw new Error(`dist/ is older than ${src}: run \`npm run build\` first (\`npm test\` does)`);
  }
};

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/scripts/anxin.js …args` and collects its output. */
export const anxin = (args: string[]): Promise<Run> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });

/** `anxin verify --data DIR` pinned to the test origin and operator key. */
export const verifyCli = (dir: string, extra: string[] = []): Promise<Run> =>
  anxin(['verify', '--data', dir, '--origin', ORIGIN, '--operator-key', OPERATOR.publicKey, ...extra]);

/** The JSON report a verify run printed on stdout. */
export const reportOf = (
  run: Run,
): { ok: boolean; size: number; root: string; head: string; errors: Array<{ index: number; code: string; detail: string }> } => {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`anxin printed no JSON report (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
};
