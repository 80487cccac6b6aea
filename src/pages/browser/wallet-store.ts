/**
 * The wallet's storage in the browser: one IndexedDB database holding the
 * holder's key file and the ids of the cards added to it. The key never leaves
 * the browser except as a key file the holder downloads.
 */
const DB = 'anxin-wallet';
const STORE = 'wallet';

const open = (): Promise<IDBDatabase> =>
  new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

const run = async <T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest): Promise<T> => {
  const db = await open();
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = fn(tx.objectStore(STORE));
    tx.oncomplete = () => (db.close(), resolve(req.result as T));
    tx.onerror = () => (db.close(), reject(tx.error));
  });
};

export const load = <T>(key: string): Promise<T | undefined> => run<T | undefined>('readonly', (s) => s.get(key));
export const save = (key: string, value: unknown): Promise<void> => run<void>('readwrite', (s) => s.put(value, key));
