/**
 * Domain state in memory: the verifier's replay state and the genesis state.
 * Values are held parsed, and every write (ledger/state.ts copyJson) and read
 * (`clone`, over values already plain) copies, so rules see what they would see over JSON text — their own
 * fresh values, never a stored one they could change in place — at a quarter of
 * the cost of parsing. Both hand rules the one State interface, as the ledger's
 * own transaction does.
 */
import { copyJson, type State } from '../../ledger/index.js';

/** A value copied for storing: a TypeError when it has no JSON form, as JSON.stringify would leave. */
const stored = (key: string, value: unknown): unknown => {
  const v = copyJson(value);
  if (v === undefined) throw new TypeError(`state value for ${key} is not JSON`);
  return v;
};

/**
 * A copy of a stored value for a reader. Stored values came through `stored`, so
 * they are plain JSON already (no undefined, no class instances, no cycles):
 * a copy needs none of copyJson's checks. An own "__proto__" stays a property.
 */
const clone = (v: unknown): unknown => {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = clone(v[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k in v) {
    const x = clone((v as Record<string, unknown>)[k]);
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    else out[k] = x;
  }
  return out;
};

/** A deleted key among a transaction's writes (null is a value a rule may store). */
const DELETED = Symbol('deleted');

/** A transaction over a MemoryState: reads see its own writes; nothing lands until commit. */
export class MemoryTransaction implements State {
  /** Written values (or DELETED); owned by the transaction, copied on the way in and out. */
  private readonly writes = new Map<string, unknown>();

  constructor(private readonly base: MemoryState) {}

  get<T>(key: string): T | undefined {
    const local = this.writes.get(key);
    if (local === DELETED) return undefined;
    return local !== undefined ? (clone(local) as T) : this.base.get<T>(key);
  }

  put(key: string, value: unknown): void {
    this.writes.set(key, stored(key, value));
  }

  del(key: string): void {
    this.writes.set(key, DELETED);
  }

  commit(): void {
    this.base.apply(this.writes);
  }
}

export class MemoryState {
  private readonly map = new Map<string, unknown>();

  get<T>(key: string): T | undefined {
    const v = this.map.get(key);
    return v === undefined ? undefined : (clone(v) as T);
  }

  begin(): MemoryTransaction {
    return new MemoryTransaction(this);
  }

  /** Lands a transaction's writes; the state takes the values over. */
  apply(writes: ReadonlyMap<string, unknown>): void {
    for (const [k, v] of writes) v === DELETED ? this.map.delete(k) : this.map.set(k, v);
  }

  /** Every key and a copy of its value, in insertion order. */
  toRecord(): Record<string, unknown> {
    return Object.fromEntries([...this.map].map(([k, v]) => [k, clone(v)]));
  }
}
