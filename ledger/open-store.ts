/**
 * Choosing the store: a LevelDB directory (the embedded default) or a PostgreSQL
 * URL. The PostgreSQL client is loaded only when a URL is given.
 */
import { LedgerError } from './errors.js';
import { LevelStore } from './store-level.js';
import type { LogStore } from './store.js';

export interface StoreLocation {
  /** LevelDB directory. */
  path?: string;
  /** postgres://… or postgresql://… (a unix-socket directory as `host`, e.g. postgres:///anxin?host=/run/postgresql). */
  database?: string;
  /** Create the store (and, on PostgreSQL, its schema) when it does not exist. */
  create: boolean;
  /** Never write nor take the sequencer lease (tools: export, verify). */
  readOnly?: boolean;
}

export const isDatabaseUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);

export const openStore = async (where: StoreLocation): Promise<LogStore> => {
  if (where.database !== undefined) {
    if (!isDatabaseUrl(where.database))
      throw new LedgerError('LEDGER_NOT_FOUND', 'the database URL must start with postgres:// or postgresql://');
    const { PgStore } = await import('./pg/store.js');
    return PgStore.open(where.database, { create: where.create, readOnly: where.readOnly ?? false });
  }
  if (where.path === undefined) throw new TypeError('a ledger needs a path (LevelDB) or a database URL (PostgreSQL)');
  return LevelStore.open(where.path, where.create);
};
