/**
 * The `temp-excursion` rule of SPEC §10 as pure functions over readings, shared
 * by the trace view and the regulator's anomaly engine.
 *
 * Readings of one subject (a shipment, or a lot for readings posted by code)
 * are sorted by `t`; each lasts until the next one, the last lasts 0, and the
 * durations above the limit add up over the whole subject (they need not be
 * consecutive). Thresholds, all strict ("> 4 °C") except the durations ("≥ 30 min"):
 *
 *   chilled  > 4 °C for ≥ 30 min → yellow;  > 4 °C for ≥ 2 h, or any reading > 8 °C → red
 *   frozen   > −18 °C for ≥ 30 min → yellow;  any reading > −15 °C → red
 *   ambient  no rule
 */
import type { StorageClass } from '../../schemas/trace.js';

export interface Reading {
  /** RFC 3339. */
  t: string;
  /** °C. */
  c: number;
  /** Ledger index of the entry that carried the reading. */
  index: number;
}

export interface TempLimits {
  /** Readings above this count towards the durations. */
  aboveC: number;
  yellowMs: number;
  /** Time above `aboveC` that makes it red (none for frozen). */
  redMs?: number;
  /** Any single reading above this is red. */
  redAboveC: number;
}

const MIN = 60_000;

export const TEMP_LIMITS: Readonly<Record<StorageClass, TempLimits | undefined>> = {
  ambient: undefined,
  chilled: { aboveC: 4, yellowMs: 30 * MIN, redMs: 120 * MIN, redAboveC: 8 },
  frozen: { aboveC: -18, yellowMs: 30 * MIN, redAboveC: -15 },
};

/** An anomaly (SPEC §10) of rule temp-excursion. */
export interface TempExcursion {
  /** Stable per (rule, subject): there is at most one open anomaly per pair. */
  id: string;
  rule: 'temp-excursion';
  severity: 'yellow' | 'red';
  subject: string;
  /** When the condition first held: the instant the time above the limit reached 30 min, or the first reading over the red limit. */
  since: string;
  detail: {
    storage: StorageClass;
    limitC: number;
    redLimitC: number;
    /** Total time above limitC, in minutes. */
    minutesAbove: number;
    maxC: number;
    readings: number;
  };
  /** Entries with a reading above limitC, ascending. */
  entries: number[];
}

/** Readings by `t`, ties by entry index (stable and deterministic). */
export const sortReadings = <R extends Reading>(readings: readonly R[]): R[] =>
  [...readings].sort((a, b) => Date.parse(a.t) - Date.parse(b.t) || a.index - b.index);

/** Lowest and highest reading; null for none. */
export const temperatureRange = (readings: readonly Pick<Reading, 'c'>[]): { min: number | null; max: number | null } => {
  if (readings.length === 0) return { min: null, max: null };
  let min = Infinity;
  let max = -Infinity;
  for (const { c } of readings) {
    if (c < min) min = c;
    if (c > max) max = c;
  }
  return { min, max };
};

export const tempExcursionId = (subject: string): string => `temp-excursion:${subject}`;

/** The subject's excursion per SPEC §10, or undefined when the readings stay within the limits. */
export const tempExcursion = (subject: string, storage: StorageClass, readings: readonly Reading[]): TempExcursion | undefined => {
  const limits = TEMP_LIMITS[storage];
  if (!limits || readings.length === 0) return undefined;
  const sorted = sortReadings(readings);
  const entries = new Set<number>();
  let above = 0;
  let yellowAt: number | undefined;
  let redAt: number | undefined;
  sorted.forEach((r, k) => {
    const t = Date.parse(r.t);
    if (r.c > limits.redAboveC) redAt = Math.min(redAt ?? t, t);
    if (!(r.c > limits.aboveC)) return;
    entries.add(r.index);
    const lasts = k + 1 < sorted.length ? Date.parse(sorted[k + 1].t) - t : 0;
    const before = above;
    above += lasts;
    if (yellowAt === undefined && above >= limits.yellowMs) yellowAt = t + (limits.yellowMs - before);
    if (limits.redMs !== undefined && above >= limits.redMs) redAt = Math.min(redAt ?? Infinity, t + (limits.redMs - before));
  });
  if (yellowAt === undefined && redAt === undefined) return undefined;
  const since = Math.min(yellowAt ?? Infinity, redAt ?? Infinity);
  return {
    id: tempExcursionId(subject),
    rule: 'temp-excursion',
    severity: redAt !== undefined ? 'red' : 'yellow',
    subject,
    since: new Date(since).toISOString(),
    detail: {
      storage,
      limitC: limits.aboveC,
      redLimitC: limits.redAboveC,
      minutesAbove: Math.round(above / 600) / 100,
      maxC: temperatureRange(sorted).max!,
      readings: sorted.length,
    },
    entries: [...entries].sort((a, b) => a - b),
  };
};
