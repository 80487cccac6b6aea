/**
 * Read-only access to a LevelDB directory. Opening LevelDB writes to its
 * directory (LOCK, LOG, a new MANIFEST, log recovery), so tools that must not
 * modify a data directory open a private copy instead. Table files (*.ldb,
 * *.sst) are immutable once written, so they are hard-linked (copied when the
 * link fails, e.g. across filesystems); the small mutable files are copied.
 */
import { copyFileSync, linkSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerError } from './errors.js';
import { LevelStore, openDb } from './store-level.js';

const LEVELDB_FILE = /^(\d+\.(ldb|sst|log)|MANIFEST-\d+|CURRENT)$/;
const IMMUTABLE = /\.(ldb|sst)$/;

export const withSnapshot = async <T>(dir: string, fn: (store: LevelStore) => Promise<T>): Promise<T> => {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (cause) {
    throw new LedgerError('LEDGER_NOT_FOUND', `cannot read data directory ${dir}`, { cause });
  }
  if (!names.includes('CURRENT')) throw new LedgerError('LEDGER_NOT_FOUND', `${dir} holds no LevelDB database`);
  const copy = mkdtempSync(join(tmpdir(), 'anxin-snapshot-'));
  try {
    for (const name of names) {
      if (!LEVELDB_FILE.test(name) || !statSync(join(dir, name)).isFile()) continue;
      const from = join(dir, name);
      const to = join(copy, name);
      if (IMMUTABLE.test(name)) {
        try {
          linkSync(from, to);
          continue;
        } catch {
          // fall through to a copy
        }
      }
      copyFileSync(from, to);
    }
    const store = new LevelStore(await openDb(copy, false), dir);
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
};
