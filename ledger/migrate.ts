/**
 * Copying a ledger from one store into another, empty one (LevelDB → PostgreSQL
 * with `anxin migrate`), then verifying the copy. The copy replays the source's
 * commit groups — one target commit per stored checkpoint, with the entries,
 * tree records and event index it covered — so the target holds exactly the
 * source's checkpoints; the domain state (only its final value exists) goes in
 * with the last group. Nothing past the source's head is copied.
 */
import type { Checkpoint } from './checkpoint.js';
import type { Entry } from './entry.js';
import { LedgerError } from './errors.js';
import { exportHeader, verifyStore } from './export.js';
import type { CommitGroup, LogStore } from './store.js';
import type { VerifyReport } from './verify.js';

export interface MigrationReport {
  entries: number;
  checkpoints: number;
  stateKeys: number;
  /** The copy, verified from genesis against the source's origin and operator key. */
  verify: VerifyReport;
  /** Whether the copy's state equals the source's, key by key. */
  stateEqual: boolean;
  ok: boolean;
}

export const migrateStore = async (source: LogStore, target: LogStore, threads?: number): Promise<MigrationReport> => {
  if (!(await target.isEmpty()))
    throw new LedgerError('LEDGER_CORRUPT', `${target.location} is not empty: migrate copies into an empty database only`);
  const header = exportHeader(source);
  const size = header.checkpoint.size;
  const entries = source.entries(0, size)[Symbol.asyncIterator]();
  const tree = source.treeRange(0, size)[Symbol.asyncIterator]();
  let copied = 0;
  let checkpoints = 0;
  let stateKeys = 0;
  for await (const cp of source.checkpoints(1, size + 1)) {
    const group: CommitGroup = { entries: [], tree: [], events: [], state: [], checkpoint: { size: cp.size, text: cp.text } };
    while (copied < cp.size) {
      const e = await entries.next();
      const t = await tree.next();
      if (e.done || t.done || e.value.index !== copied || t.value.leaf !== copied)
        throw new LedgerError('LEDGER_CORRUPT', `the source lacks entry or tree record ${copied}: run anxin verify on it`);
      const entry = JSON.parse(e.value.text) as Entry;
      group.entries.push(e.value);
      group.tree.push(t.value);
      group.events.push({ actor: entry.event.actor, id: entry.event.id, index: copied });
      copied++;
    }
    if (cp.size === size) {
      if (cp.text !== source.head()) throw new LedgerError('LEDGER_CORRUPT', 'the source head is not its last checkpoint');
      for await (const s of source.scanState('')) group.state.push(s);
      stateKeys = group.state.length;
    }
    await target.commit(group);
    checkpoints++;
  }
  if (copied !== size) throw new LedgerError('LEDGER_CORRUPT', `the source has no checkpoint at its head size ${size}`);
  const verify = await verifyStore(target, { origin: header.origin, operatorKey: header.operatorKey, threads });
  const ours = target.scanState('')[Symbol.asyncIterator]();
  let stateEqual = true;
  for await (const s of source.scanState('')) {
    const t = await ours.next();
    if (t.done || t.value.key !== s.key || t.value.value !== s.value) stateEqual = false;
  }
  if (!(await ours.next()).done) stateEqual = false;
  const head = JSON.parse(target.head() ?? 'null') as Checkpoint | null;
  const ok = verify.ok && stateEqual && head?.root === header.checkpoint.root && verify.size === size;
  return { entries: copied, checkpoints, stateKeys, verify, stateEqual, ok };
};
