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
import { nodeInRecord, nodeLeaf, type LogStore } from '../ledger/store.js';
import type { Checkpoint, Entry } from '../ledger/index.js';
import { entryBytes, writeFileAtomic, writeTileFiles, type TileSource } from '../src/tlog/files.js';

const parse = <T>(text: string | undefined): T | undefined => (text === undefined ? undefined : (JSON.parse(text) as T));

const storeSource = (store: LogStore, size: number): TileSource => ({
  size,
  nodes: async (ids) => {
    const records = await store.treeRecords(ids.map(nodeLeaf));
    return ids.map((id, i) => {
      const n = nodeInRecord(id, records[i]);
      if (!n) throw new Error(`the stored tree lacks node ${id.level}/${id.index}`);
      return n;
    });
  },
  entryBytes: (i) => entryBytes(parse<Entry>(store.entry(i))),
});

export interface TilesResult {
  from: number;
  size: number;
  files: number;
}

export const writeTilesFromDb = async (db: LogStore, out: string): Promise<TilesResult> => {
  const head = parse<Checkpoint>(db.head());
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
  for await (const cp of db.checkpoints(from + 1, head.size + 1)) sizes.push(cp.size);
  if (sizes[sizes.length - 1] !== head.size) sizes.push(head.size);
  const files = await writeTileFiles(storeSource(db, head.size), out, from, sizes);
  writeFileAtomic(previous, head.note);
  return { from, size: head.size, files };
};

export const writeTilesFromDir = (data: string, out: string): Promise<TilesResult> => withSnapshot(data, (db) => writeTilesFromDb(db, out));
