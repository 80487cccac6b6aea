/** Domain state in memory, for the verifier's replay: JSON text by key, with per-entry transactions. */
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
      put: (key, value) => void writes.set(key, JSON.stringify(value)),
      del: (key) => void writes.set(key, null),
      commit: () => {
        for (const [k, v] of writes) v === null ? this.map.delete(k) : this.map.set(k, v);
      },
    };
  }
}
