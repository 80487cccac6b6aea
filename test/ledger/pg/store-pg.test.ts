/** The store conformance suite on PostgreSQL (a throwaway cluster, see test/helpers/postgres.ts). */
import { jest } from '@jest/globals';
import { openStore, type LogStore } from '../../../ledger/index.js';
import { describePostgres, freshDatabase } from '../../helpers/postgres.js';
import { storeConformance } from '../store-conformance.js';

const urls = new WeakMap<LogStore, string>();
const open = async (url: string, create: boolean): Promise<LogStore> => {
  const store = await openStore({ database: url, create });
  urls.set(store, url);
  return store;
};

describePostgres('PostgreSQL store', () => {
  jest.setTimeout(60_000);
  storeConformance('PostgreSQL', {
    create: async () => open(await freshDatabase(), true),
    async reopen(store) {
      const url = urls.get(store)!;
      await store.close();
      return open(url, false);
    },
    // An event already in the index makes the commit function fail after it inserted the
    // group's entries and tree records: the transaction must take them back out.
    async failingCommit(store, group) {
      const error = await store
        .commit({ ...group, events: [...group.events, { actor: 'actor-0', id: 'evt-0', index: group.entries[0].index }] })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      return { error, store };
    },
  });
});
