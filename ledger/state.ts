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

const MAX_COPY_DEPTH = 64;

const copy = (v: unknown, depth: number): unknown => {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v + 0 : null; // -0 + 0 is 0, as JSON writes it
    case 'object': {
      if (v === null) return null;
      if (depth > MAX_COPY_DEPTH) break;
      if (Array.isArray(v)) {
        const out = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) {
          const x = v[i];
          out[i] = x === undefined || typeof x === 'function' || typeof x === 'symbol' ? null : copy(x, depth + 1);
        }
        return out;
      }
      const proto = Object.getPrototypeOf(v);
      if ((proto !== Object.prototype && proto !== null) || 'toJSON' in v) break;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) {
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
        // An own "__proto__" (JSON.parse makes one) stays a property, never the prototype.
        if (k === '__proto__')
          Object.defineProperty(out, k, { value: copy(x, depth + 1), enumerable: true, writable: true, configurable: true });
        else out[k] = copy(x, depth + 1);
      }
      return out;
    }
  }
  // Anything else (class instances, toJSON, BigInt, cycles …) takes the JSON round trip, errors and all.
  const text = JSON.stringify(v);
  return text === undefined ? undefined : JSON.parse(text);
};

/**
 * What `JSON.parse(JSON.stringify(value))` returns, for plain data about four times
 * faster: a state that holds parsed values (the verifier's replay) hands every
 * reader its own copy, as one that holds JSON text does. Undefined when `value`
 * has no JSON form.
 */
export const copyJson = <T>(value: T): T | undefined => copy(value, 0) as T | undefined;
