/**
 * `anxin tiles --data DIR --out DIR`: writes the log's tlog-tiles view (SPEC §12)
 * to a directory, for object storage or a CDN: every tile and entry bundle, the
 * partial tiles of every signed size, and `checkpoint` (the newest signed one,
 * written last). Incremental: the sizes already in OUT (its checkpoint) are
 * skipped, and existing tile files are never rewritten (they are immutable).
 * The data directory is read through a snapshot, so the service may keep running.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCheckpointNote, withSnapshot } from '../ledger/index.js';
import { iterateCheckpoints, readEntry, readHead, readNodes, type Db } from '../ledger/store.js';
import { entryBytes, writeFileAtomic, writeTileFiles, type TileSource } from '../src/tlog/files.js';

const dbSource = (db: Db, size: number): TileSource => ({
  size,
  nodes: async (ids) =>
    (await readNodes(db, ids)).map((n, i) => {
      if (!n) throw new Error(`the stored tree lacks node ${ids[i].level}/${ids[i].index}`);
      return n;
    }),
  entryBytes: (i) => entryBytes(readEntry(db, i)),
});

export interface TilesResult {
  from: number;
  size: number;
  files: number;
}

export const writeTilesFromDb = async (db: Db, out: string): Promise<TilesResult> => {
  const head = readHead(db);
  if (!head) throw new Error('the database holds no ledger');
  const previous = join(out, 'checkpoint');
  let from = 0;
  if (existsSync(previous)) {
    const cp = parseCheckpointNote(readFileSync(previous, 'utf8'));
    if (!cp || cp.origin !== head.origin) throw new Error(`${previous} is not a checkpoint of ${head.origin}; choose another --out`);
    if (cp.size > head.size) throw new Error(`${out} holds size ${cp.size}, more than the ledger's ${head.size}`);
    from = cp.size;
  }
  const sizes: number[] = [];
  for await (const cp of iterateCheckpoints(db, from + 1, head.size + 1)) sizes.push(cp.size);
  if (sizes[sizes.length - 1] !== head.size) sizes.push(head.size);
  const files = await writeTileFiles(dbSource(db, head.size), out, from, sizes);
  writeFileAtomic(previous, head.note);
  return { from, size: head.size, files };
};

export const writeTilesFromDir = (data: string, out: string): Promise<TilesResult> => withSnapshot(data, (db) => writeTilesFromDb(db, out));
