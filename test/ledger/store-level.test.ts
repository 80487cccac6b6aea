/** The store conformance suite on LevelDB. */
import { LevelStore } from '../../ledger/store-level.js';
import type { LogStore } from '../../ledger/index.js';
import { storeConformance } from './store-conformance.js';
import { removeTempDirs, tempDir } from './support.js';

const reopen = async (store: LogStore): Promise<LogStore> => {
  const { location } = store;
  await store.close().catch(() => undefined);
  return LevelStore.open(location, false);
};

storeConformance('LevelDB', {
  create: () => LevelStore.open(tempDir('store'), true),
  reopen,
  // LevelDB writes a batch all or nothing; a batch on a closed database fails before any of it lands.
  async failingCommit(store, group) {
    await (store as LevelStore).db.close();
    const error = await store.commit(group).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, store: await reopen(store) };
  },
});

afterAll(removeTempDirs);
