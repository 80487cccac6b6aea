/**
 * Which store the tests run on: LevelDB by default, PostgreSQL with
 * ANXIN_TEST_BACKEND=postgres (jest.config.js runs the ledger, HTTP, card,
 * trace and regulator suites a second time that way). And raw access to the
 * store under a ledger, for the tests that damage it.
 */
import pg from 'pg';
import { LevelStore, checkpointKey, entryKey } from '../../ledger/store-level.js';
import type { LogStore } from '../../ledger/index.js';

export type Backend = 'leveldb' | 'postgres';

export const testBackend = (): Backend => (process.env.ANXIN_TEST_BACKEND === 'postgres' ? 'postgres' : 'leveldb');

/** Writes under the ledger's feet, as an attacker with database access would. */
export interface Tamper {
  getEntry(index: number): Promise<string | undefined>;
  putEntry(index: number, text: string): Promise<void>;
  delEntry(index: number): Promise<void>;
  putCheckpoint(size: number, text: string): Promise<void>;
}

const sql = async (url: string, text: string, values: unknown[]): Promise<pg.QueryResult> => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text, values);
  } finally {
    await c.end();
  }
};

export const tamperWith = (store: LogStore, database?: string): Tamper => {
  if (store instanceof LevelStore) {
    const { db } = store;
    return {
      getEntry: (i) => db.get(entryKey(i)),
      putEntry: (i, text) => db.put(entryKey(i), text),
      delEntry: (i) => db.del(entryKey(i)),
      putCheckpoint: (size, text) => db.put(checkpointKey(size), text),
    };
  }
  if (!database) throw new TypeError('tampering with a PostgreSQL store needs its URL');
  return {
    getEntry: async (i) => (await sql(database, 'SELECT body FROM anxin_entries WHERE idx = $1', [i])).rows[0]?.body,
    putEntry: async (i, text) => void (await sql(database, 'UPDATE anxin_entries SET body = $2 WHERE idx = $1', [i, text])),
    delEntry: async (i) => void (await sql(database, 'DELETE FROM anxin_entries WHERE idx = $1', [i])),
    putCheckpoint: async (size, text) =>
      void (await sql(
        database,
        'INSERT INTO anxin_checkpoints (size, body) VALUES ($1, $2) ON CONFLICT (size) DO UPDATE SET body = excluded.body',
        [size, text],
      )),
  };
};
