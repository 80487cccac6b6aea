/**
 * The LevelDB layout. One keyspace, one prefix per concept:
 *
 *   e!<index:16 hex>                 entry JSON
 *   t!<last leaf:16 hex><level:2 hex> Merkle node (32 bytes) of a perfect subtree; ordered as appends create them
 *   d!<actor>\n<id>                  index of the entry holding event (actor, id)
 *   c!<size:16 hex>                  checkpoint JSON signed when the log reached size
 *   m!head                           latest checkpoint JSON (the commit point)
 *   s!<key>                          domain state, opaque to the engine (JSON)
 *
 * Every append writes all of these for its entries in one atomic batch.
 */
import { ClassicLevel } from 'classic-level';
import type { Checkpoint } from './checkpoint.js';
import type { Entry } from './entry.js';
import type { NodeId } from './merkle.js';

export type Db = ClassicLevel<string, string>;

const hex16 = (n: number): string => n.toString(16).padStart(16, '0');
const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

export const HEAD_KEY = 'm!head';
export const entryKey = (index: number): string => 'e!' + hex16(index);
export const nodeKey = (id: NodeId): string => 't!' + hex16((id.index + 1) * 2 ** id.level - 1) + hex2(id.level);
export const eventKey = (actor: string, id: string): string => 'd!' + actor + '\n' + id;
export const checkpointKey = (size: number): string => 'c!' + hex16(size);
export const stateKey = (key: string): string => 's!' + key;

/** Decodes a node key back into its id. */
export const parseNodeKey = (key: string): NodeId => {
  const last = parseInt(key.slice(2, 18), 16);
  const level = parseInt(key.slice(18, 20), 16);
  return { level, index: (last + 1) / 2 ** level - 1 };
};

/** Key range of one prefix, for iterators. */
export const prefixRange = (prefix: string, from = ''): { gte: string; lt: string } => ({
  gte: prefix + from,
  lt: prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1),
});

export const openDb = async (path: string, createIfMissing: boolean): Promise<Db> => {
  const db = new ClassicLevel<string, string>(path, { keyEncoding: 'utf8', valueEncoding: 'utf8', createIfMissing });
  await db.open();
  return db;
};

export const NODE_ENCODING = { valueEncoding: 'view' } as const;

export const readNodes = async (db: Db, ids: readonly NodeId[]): Promise<Array<Uint8Array | undefined>> =>
  db.getMany<string, Uint8Array>(ids.map(nodeKey), NODE_ENCODING);

export const readEntry = (db: Db, index: number): Entry | undefined => {
  const text = db.getSync(entryKey(index));
  return text === undefined ? undefined : (JSON.parse(text) as Entry);
};

export const readHead = (db: Db): Checkpoint | undefined => {
  const text = db.getSync(HEAD_KEY);
  return text === undefined ? undefined : (JSON.parse(text) as Checkpoint);
};

/** Raw entries in index order from `from`, as stored text (the verifier parses and checks them). */
export async function* iterateEntryTexts(db: Db, from = 0): AsyncGenerator<{ key: string; text: string }> {
  for await (const [key, text] of db.iterator(prefixRange('e!', hex16(from)))) yield { key, text };
}

export async function* iterateNodes(db: Db): AsyncGenerator<{ id: NodeId; hash: Uint8Array }> {
  for await (const [key, hash] of db.iterator<string, Uint8Array>({ ...prefixRange('t!'), valueEncoding: 'view' }))
    yield { id: parseNodeKey(key), hash };
}

export async function* iterateCheckpoints(db: Db): AsyncGenerator<Checkpoint> {
  for await (const [, text] of db.iterator(prefixRange('c!'))) yield JSON.parse(text) as Checkpoint;
}
