/**
 * Domain state in memory, for the verifier's replay: JSON text by key, with
 * per-entry transactions, exactly like the ledger's state (a value is snapshotted
 * at put; every get parses a fresh copy a rule may mutate). Keeping parsed values
 * and copying them on get was measured: no faster, and the long-lived object
 * graph costs more in garbage collection than the parsing saves.
 */
import type { State } from './plugin.js';

export class MemoryState {
  private readonly map = new Map<string, string>();

  get<T>(key: string): T | undefined {
    const text = this.map.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  /** A transaction over this state: reads see its own writes; nothing lands until commit. */
  begin(): State & { commit(): void } {
    const writes = new Map<string, string | null>();
    return {
      get: <T>(key: string) => {
        const local = writes.get(key);
        if (local === null) return undefined;
        return local !== undefined ? (JSON.parse(local) as T) : this.get<T>(key);
      },
      put: (key, value) => {
        const text = JSON.stringify(value);
        if (text === undefined) throw new TypeError(`state value for ${key} is not JSON`); // as the ledger's state
        writes.set(key, text);
      },
      del: (key) => void writes.set(key, null),
      commit: () => {
        for (const [k, v] of writes) v === null ? this.map.delete(k) : this.map.set(k, v);
      },
    };
  }
}
