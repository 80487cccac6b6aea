/**
 * Domain state as the engine keeps it: JSON values by string key. The one
 * interface every rule and observer reads and writes through. Implementations:
 * the ledger transaction (`Tx`, log.ts), the verifier's replay transaction and
 * the genesis state (src/domain/memory-state.ts). The engine knows nothing of
 * what the keys mean.
 */

/** Read access to domain state: parsed JSON values, undefined when absent. */
export interface StateView {
  get<T = unknown>(key: string): T | undefined;
}

/** Read and write access: what a rule or an observer gets, inside one transaction. */
export interface State extends StateView {
  /** Stores a JSON value (a TypeError when `value` has no JSON form). */
  put(key: string, value: unknown): void;
  del(key: string): void;
}
