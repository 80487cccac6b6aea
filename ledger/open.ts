/**
 * Creating and opening a ledger's store: the genesis commit (SPEC §4) and the
 * open-time invariants, which cost O(log n) reads and never replay the log.
 */
import { bytesEqual, concatBytes, fromBase64Url, fromHex, toHex } from './encoding.js';
import { chainHash, entryLeaf, makeEntry, ZERO_HASH, type Entry } from './entry.js';
import { LedgerError } from './errors.js';
import { noteKeyId, parseCheckpoint, signCheckpoint, verifyCheckpoint, type Checkpoint } from './checkpoint.js';
import { genesisEvent } from './genesis.js';
import { SubjectMap, subjectCommitment } from './subjects.js';
import type { SigningKey } from './keys.js';
import { Frontier, type NodeId, type StoredNode } from './merkle.js';
import { nodeSuite as suite } from './suite-node.js';
import { nodeInRecord, nodeLeaf, type LogStore } from './store.js';

export interface GenesisRegulator {
  id: string;
  name: string;
  publicKey: string;
}

export interface GenesisOptions {
  regulators: GenesisRegulator[];
  /** Domain state the genesis entry establishes, written in the same batch. */
  state?: (entry: Entry) => Record<string, unknown>;
}

interface Identity {
  origin: string;
  operator: SigningKey;
}

/** The nodes one append completed, concatenated lowest level first (see store.ts). */
export const treeRecord = (nodes: StoredNode[]): Uint8Array => concatBytes(...nodes.map((n) => n.hash));

/** Writes entry 0 and its checkpoint (and the genesis state) in one durable commit. */
export const writeGenesis = async (store: LogStore, options: Identity, genesis: GenesisOptions, nowMs: number): Promise<Checkpoint> => {
  const event = genesisEvent(options.operator, options.origin, genesis.regulators, nowMs);
  const entry = makeEntry(suite, 0, new Date(nowMs).toISOString(), event, ZERO_HASH);
  const leaf = fromHex(entry.leaf)!;
  const frontier = Frontier.empty(suite);
  const nodes = frontier.push(leaf);
  const checkpoint = signCheckpoint(suite, options.operator.seed, {
    origin: options.origin,
    size: 1,
    root: frontier.root(),
    head: fromHex(entry.hash)!,
  });
  // The genesis entry concerns no subject: the subject map starts empty.
  checkpoint.subjects = subjectCommitment(suite, options.operator.seed, options.origin, 1, SubjectMap.empty(suite).root());
  await store.commit({
    entries: [{ index: 0, text: JSON.stringify(entry) }],
    tree: [{ leaf: 0, record: treeRecord(nodes) }],
    events: [{ actor: event.actor, id: event.id, index: 0 }],
    state: Object.entries(genesis.state?.(entry) ?? {}).map(([key, value]) => ({ key, value: JSON.stringify(value) })),
    checkpoint: { size: 1, text: JSON.stringify(checkpoint) },
  });
  return checkpoint;
};

/** The stored nodes, in the order asked (undefined where missing). */
const readNodes = async (store: LogStore, ids: readonly NodeId[]): Promise<Array<Uint8Array | undefined>> => {
  const records = await store.treeRecords(ids.map(nodeLeaf));
  return ids.map((id, i) => nodeInRecord(id, records[i]));
};

/** The tree's frontier at `size` from the stored records (O(log n) reads); `corrupt` names a missing node. */
export const loadFrontier = async (store: LogStore, size: number, corrupt: (what: string) => Error): Promise<Frontier> => {
  try {
    return await Frontier.load(suite, size, async (ids) => {
      const nodes = await readNodes(store, ids);
      return nodes.map((n, i) => {
        if (!n) throw corrupt(`Merkle node ${ids[i].level}/${ids[i].index} is missing`);
        return n;
      });
    });
  } catch (e) {
    if (e instanceof LedgerError) throw e;
    throw corrupt('the Merkle tree cannot be read');
  }
};

const readEntry = (store: LogStore, index: number): Entry | undefined => {
  const text = store.entry(index);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Entry;
  } catch {
    return undefined;
  }
};

/** The open-time invariants (O(log n) reads). Throws LEDGER_CORRUPT or OPERATOR_KEY_MISMATCH. */
export const checkOnOpen = async (
  store: LogStore,
  options: Identity,
  head: Checkpoint,
): Promise<{ frontier: Frontier; lastAtMs: number }> => {
  const corrupt = (what: string) => new LedgerError('LEDGER_CORRUPT', `${what} — run \`anxin verify\` to locate the damage`);
  const operatorKey = fromBase64Url(options.operator.publicKey)!;
  const parsed = head && typeof head.note === 'string' ? parseCheckpoint(head.note) : undefined;
  if (!parsed) throw corrupt('the latest checkpoint is unreadable');
  if (parsed.origin !== options.origin)
    throw new LedgerError('OPERATOR_KEY_MISMATCH', `the ledger's origin is ${parsed.origin}, not ${options.origin}`);
  if (!parsed.signatures.some((s) => bytesEqual(s.keyId, noteKeyId(suite, options.origin, operatorKey))))
    throw new LedgerError('OPERATOR_KEY_MISMATCH', 'the latest checkpoint is not signed by this operator key');
  const bad = verifyCheckpoint(suite, head, options.origin, operatorKey);
  if (bad) throw corrupt(`latest checkpoint: ${bad}`);
  const size = head.size;
  if (size < 1) throw corrupt('the latest checkpoint is for an empty log');
  const genesis = readEntry(store, 0);
  if (!genesis || genesis.event?.type !== 'ledger.genesis') throw corrupt('entry 0 is not the genesis entry');
  const gBody = genesis.event.body as { origin?: string; operatorKey?: string };
  if (gBody.operatorKey !== options.operator.publicKey || gBody.origin !== options.origin)
    throw new LedgerError('OPERATOR_KEY_MISMATCH', 'the genesis entry names another operator key or origin');
  const last = readEntry(store, size - 1);
  if (!last) throw corrupt(`entry ${size - 1} (the last one, per the checkpoint) is missing`);
  // On a shared store another process may be appending right now: only a sequencer (or a store of one) can tell.
  const alone = !store.sequencing || store.sequencing.isSequencer;
  if (alone && store.entry(size) !== undefined) throw corrupt(`entry ${size} exists beyond the checkpointed size ${size}`);
  const prev = fromHex(last.prev);
  let leaf: Uint8Array;
  try {
    leaf = entryLeaf(suite, last.index, last.at, last.event);
  } catch {
    throw corrupt(`entry ${size - 1} is malformed`);
  }
  if (last.index !== size - 1 || last.leaf !== toHex(leaf)) throw corrupt(`entry ${size - 1} does not match its leaf hash`);
  if (!prev || last.hash !== toHex(chainHash(suite, prev, leaf)) || last.hash !== head.head)
    throw corrupt(`entry ${size - 1}'s chain hash does not match the checkpoint head`);
  const frontier = await loadFrontier(store, size, corrupt);
  if (toHex(frontier.root()) !== head.root) throw corrupt('the stored Merkle tree does not match the latest checkpoint root');
  const [lastLeaf] = await readNodes(store, [{ level: 0, index: size - 1 }]);
  if (!lastLeaf || !bytesEqual(lastLeaf, leaf)) throw corrupt(`the stored leaf of entry ${size - 1} does not match the entry`);
  return { frontier, lastAtMs: Date.parse(last.at) };
};
