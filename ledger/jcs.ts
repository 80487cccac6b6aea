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
      if (Array.isArray(value)) return '[' + value.map(canonicalize).join(',') + ']';
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
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

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isWellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);
