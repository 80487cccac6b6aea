/**
 * Domain state in memory: the verifier's replay state (JSON text by key, with
 * per-entry transactions) and the genesis state. Both hand rules the one State
 * interface (ledger/state.ts), as the ledger's own transaction does.
 */
import type { State } from '../../ledger/index.js';

/** A transaction over a MemoryState: reads see its own writes; nothing lands until commit. */
export class MemoryTransaction implements State {
  private readonly writes = new Map<string, string | null>();

  constructor(private readonly base: MemoryState) {}

  get<T>(key: string): T | undefined {
    const local = this.writes.get(key);
    if (local === null) return undefined;
    return local !== undefined ? (JSON.parse(local) as T) : this.base.get<T>(key);
  }

  put(key: string, value: unknown): void {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`state value for ${key} is not JSON`);
    this.writes.set(key, text);
  }

  del(key: string): void {
    this.writes.set(key, null);
  }

  commit(): void {
    this.base.apply(this.writes);
  }
}

export class MemoryState {
  private readonly map = new Map<string, string>();

  get<T>(key: string): T | undefined {
    const text = this.map.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  begin(): MemoryTransaction {
    return new MemoryTransaction(this);
  }

  /** Lands a transaction's writes (null = deleted). */
  apply(writes: ReadonlyMap<string, string | null>): void {
    for (const [k, v] of writes) v === null ? this.map.delete(k) : this.map.set(k, v);
  }

  /** Every key and its parsed value, in insertion order. */
  toRecord(): Record<string, unknown> {
    return Object.fromEntries([...this.map].map(([k, v]) => [k, JSON.parse(v) as unknown]));
  }
}
