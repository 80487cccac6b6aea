/**
 * Exact arithmetic on lot amounts. Amounts are plain JSON numbers with at most
 * 6 decimals and at most 1e9 (schemas/trace.ts), so in micro-units they are
 * safe integers: sums and differences computed there are exact, and converting
 * back gives the same number a client would write (IEEE division is correctly
 * rounded). Without this, 0.1 + 0.2 kg would not balance against 0.3 kg.
 */
const SCALE = 1e6;

const micro = (x: number): number => Math.round(x * SCALE);

/** a + b, exactly. */
export const add = (a: number, b: number): number => (micro(a) + micro(b)) / SCALE;

/** a − b, exactly. */
export const sub = (a: number, b: number): number => (micro(a) - micro(b)) / SCALE;

/** Σ xs, exactly. */
export const sum = (xs: Iterable<number>): number => {
  let total = 0;
  for (const x of xs) total += micro(x);
  return total / SCALE;
};

/** Units that count whole things: their amounts must be integers. */
export const COUNT_UNITS: ReadonlySet<string> = new Set(['piece', 'box']);
