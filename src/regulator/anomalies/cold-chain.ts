/**
 * temp-excursion and recorder-gap (SPEC §10), from the temperature readings of
 * one subject: a shipment (readings posted with `shipment`) or a lot (posted
 * with `code`; temp-excursion only). Readings are copied into state at append
 * time, compactly and in pages, because an observer never reads the log; each
 * post re-evaluates its subject over all of its readings, sorted by `t` (readings
 * may arrive late and out of order, so a later post can open, change or close
 * either anomaly). temp-excursion is exactly the trace view's (src/trace/temperature.ts).
 *
 * recorder-gap: two consecutive readings (by `t`) more than 10 min apart →
 * yellow, more than 60 min → red. Like the excursion, its `since` is in the
 * readings' time: the instant the first such silence passed 10 min.
 */
import type { LotTemperatureBody, StorageClass } from '../../../schemas/trace.js';
import type { EventContext, State } from '../../domain/plugin.js';
import { getLot, getShipment, TEMP_LIMITS, tempExcursion, type Reading } from '../../trace/index.js';
import { setOpen } from './store.js';
import { MINUTE } from './time.js';
import { anomalyId, boundEntries, iso, subjectKey, type Anomaly, type SubjectKind } from './types.js';

export const GAP_YELLOW_MS = 10 * MINUTE;
export const GAP_RED_MS = 60 * MINUTE;
const PAGE = 1000;

interface ReadingsHeader {
  storage: StorageClass;
  count: number;
  /** The highest reading so far: while it is within the limit, no excursion is possible. */
  maxC: number;
}
/** [t ms, °C, entry index]. */
type Compact = [number, number, number];

const headerKey = (key: string) => `anomaly/readings/${key}`;
const pageKey = (key: string, page: number) => `anomaly/readings/${key}/${page}`;

/** Appends readings to a subject's store (pages of 1000) and returns all of them with the new header. */
const storeReadings = (state: State, key: string, storage: StorageClass, added: Compact[]): { all: Compact[]; header: ReadingsHeader } => {
  const prev = state.get<ReadingsHeader>(headerKey(key));
  const all: Compact[] = [];
  const count = prev?.count ?? 0;
  for (let p = 0; p * PAGE < count; p++) all.push(...(state.get<Compact[]>(pageKey(key, p)) ?? []));
  all.push(...added);
  for (let p = Math.floor(count / PAGE); p * PAGE < all.length; p++) state.put(pageKey(key, p), all.slice(p * PAGE, (p + 1) * PAGE));
  const header: ReadingsHeader = { storage, count: all.length, maxC: Math.max(prev?.maxC ?? -Infinity, ...added.map((r) => r[1])) };
  state.put(headerKey(key), header);
  return { all, header };
};

/** Readings by t, ties by entry index, then in the order posted: the order sortReadings gives. */
const byTime = (a: Compact, b: Compact): number => a[0] - b[0] || a[2] - b[2];

/** recorder-gap over a subject's readings, or undefined when no two consecutive readings are more than 10 min apart. */
export const recorderGap = (subject: string, readings: readonly Compact[]): Anomaly | undefined => {
  const sorted = [...readings].sort(byTime);
  let since: number | undefined;
  let max = 0;
  let maxFrom = 0;
  let over10 = 0;
  let over60 = 0;
  const entries: number[] = [];
  for (let k = 1; k < sorted.length; k++) {
    const from = sorted[k - 1][0];
    const gap = sorted[k][0] - from;
    if (gap <= GAP_YELLOW_MS) continue;
    over10++;
    if (gap > GAP_RED_MS) over60++;
    since = Math.min(since ?? Infinity, from + GAP_YELLOW_MS);
    entries.push(sorted[k - 1][2], sorted[k][2]);
    if (gap > max) [max, maxFrom] = [gap, from];
  }
  if (since === undefined) return undefined;
  return {
    id: anomalyId('recorder-gap', subject),
    rule: 'recorder-gap',
    severity: over60 ? 'red' : 'yellow',
    subject,
    since: iso(since),
    detail: {
      maxGapMinutes: Math.round(max / 600) / 100,
      gapFrom: iso(maxFrom),
      gapTo: iso(maxFrom + max),
      gapsOver10Min: over10,
      gapsOver60Min: over60,
    },
    entries: boundEntries(entries),
  };
};

/** Observes lot.temperature: stores the readings and re-evaluates the subject's rules. */
export const observeTemperature = (state: State, body: LotTemperatureBody, ctx: Pick<EventContext, 'index'>): void => {
  const shipment = body.shipment !== undefined ? getShipment(state, body.shipment) : undefined;
  const lot = getLot(state, shipment ? shipment.lot : body.code!);
  if (!lot) return;
  const kind: SubjectKind = shipment ? 'shipment' : 'lot';
  const id = shipment ? shipment.shipment : lot.code;
  const limits = TEMP_LIMITS[lot.storage];
  // A lot's own readings matter only for temp-excursion, which ambient lots do not have.
  if (kind === 'lot' && !limits) return;
  const key = subjectKey(kind, id);
  const { all, header } = storeReadings(
    state,
    key,
    lot.storage,
    body.readings.map((r) => [Date.parse(r.t), r.c, ctx.index]),
  );
  // No reading ever above the limit: no excursion can exist (the common case; saves the full evaluation).
  if (limits && header.maxC > limits.aboveC) {
    const readings: Reading[] = all.map(([t, c, index]) => ({ t: iso(t), c, index }));
    setOpen(state, 'temp-excursion', key, tempExcursion(id, lot.storage, readings) as Anomaly | undefined);
  }
  if (kind === 'shipment') setOpen(state, 'recorder-gap', key, recorderGap(id, all));
};
