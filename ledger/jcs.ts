/**
 * RFC 8785 JSON Canonicalization Scheme.
 *
 * Object members are sorted by their names as UTF-16 code units (RFC 8785 §3.2.3),
 * which is what JavaScript's default string ordering does; numbers use the
 * ECMAScript Number-to-String algorithm (§3.2.2.3); strings use the JSON.stringify
 * escapes, which match §3.2.2.2. Values JSON cannot represent are programmer
 * errors and throw TypeError.
 */
export const canonicalize = (value: unknown): string => {
  switch (typeof value) {
    case 'string':
      if (!isWellFormed(value)) throw new TypeError('canonical JSON: string contains a lone surrogate');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${value} is not a JSON number`);
      return Object.is(value, -0) ? '0' : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let s = '[';
        for (let i = 0; i < value.length; i++) s += (i ? ',' : '') + canonicalize(value[i]);
        return s + ']';
      }
      const obj = value as Record<string, unknown>;
      const keys = memberNames(obj);
      let s = '{';
      for (let i = 0; i < keys.length; i++) {
        if (!isWellFormed(keys[i])) throw new TypeError('canonical JSON: key contains a lone surrogate');
        s += (i ? ',' : '') + JSON.stringify(keys[i]) + ':' + canonicalize(obj[keys[i]]);
      }
      return s + '}';
    }
    default:
      throw new TypeError(`canonical JSON: cannot encode a ${typeof value}`);
  }
};

/**
 * The names of the members of `obj` that have a value, in JCS order. A value parsed
 * from canonical JSON has its members in that order already: one pass confirms it,
 * and only an object out of order (or with undefined members) pays for a copy and a sort.
 * String comparison, like the default sort, compares UTF-16 code units.
 */
export const memberNames = (obj: Record<string, unknown>): string[] => {
  const keys = Object.keys(obj);
  let sorted = true;
  let defined = true;
  for (let i = 0; i < keys.length; i++) {
    if (obj[keys[i]] === undefined) defined = false;
    if (i > 0 && keys[i - 1] > keys[i]) sorted = false;
  }
  const names = defined ? keys : keys.filter((k) => obj[k] !== undefined);
  return sorted ? names : names.sort();
};

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** String.prototype.isWellFormed (ES2024) where the runtime has it; the expression elsewhere. */
const isWellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => !LONE_SURROGATE.test(s);
