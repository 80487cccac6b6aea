/**
 * The trace view of SPEC §8, built from state kept at append time plus the
 * entries it names: no log scan. Split in two so it can be cached:
 *
 *   traceVersion  — cheap: the lot's record and a number that changes whenever
 *                   anything in the view except `status` can have changed
 *   collectTrace  — the view without status, checkpoint and proofs
 *
 * The view depends on the lot and its ancestors (identity, entries — and so
 * inspections and readings) and on its descendants (lineage.outputs). Every
 * change to those appends an entry that lands in the entry list of the lot or of
 * an ancestor (moving its `last`), or makes a descendant (moving the lot's
 * `descLast`). Ledger indexes only grow, so the maximum of those is a version.
 * Actor names and roles never change once registered.
 */
import type { Entry, StateView } from '../../ledger/index.js';
import { getActor } from '../actors/index.js';
import type { LotInspectBody, LotTemperatureBody, LotTransformBody } from '../../schemas/trace.js';
import { descendants, inputTree, type LineageNode } from './lineage.js';
import { getLot, lotEntries, lotSubject, type LotRecord } from './state.js';
import { sortReadings, tempExcursion, temperatureRange, type Reading, type TempExcursion } from './temperature.js';

export interface TraceSource extends Pick<StateView, 'get'> {
  entry(index: number): Entry | undefined;
}

export interface TimelineItem {
  lot: string;
  index: number;
  at: string;
  event: Entry['event'];
  leaf: string;
  actor: { id: string; name: string; role: string };
}

/** Everything of the view but `status`, `checkpoint` and `proofs`, in SPEC §8 field order. */
export interface TraceParts {
  head: { code: string; product: LotRecord['product']; storage: LotRecord['storage'] };
  rest: {
    quantity: LotRecord['quantity'];
    origins: Array<{ lot: string } & NonNullable<LotRecord['origin']>>;
    lineage: { inputs: LineageNode[]; outputs: string[] };
    timeline: TimelineItem[];
    inspections: Array<{ lot: string; index: number; result: 'pass' | 'fail'; tests: LotInspectBody['tests'] }>;
    temperature: {
      readings: Array<{ lot: string; shipment?: string; t: string; c: number }>;
      min: number | null;
      max: number | null;
      excursions: TempExcursion[];
    };
  };
  /** The timeline's ledger indexes, ascending: each needs an inclusion proof. */
  indexes: number[];
  /**
   * The subjects the view relies on (the lot and its ancestors, SPEC §12) and the indexes of
   * each one's entries, ascending: the lot's own entries and the recalls of its ancestors that
   * reached it. Their union is the timeline.
   */
  subjects: Array<{ subject: string; indexes: number[] }>;
}

/** The lot's record and view version, or undefined for an unknown code. */
export const traceVersion = (src: Pick<StateView, 'get'>, code: string): { lot: LotRecord; version: number } | undefined => {
  const lot = getLot(src, code);
  if (!lot) return undefined;
  let version = Math.max(lot.last, lot.descLast);
  for (const a of lot.ancestors) version = Math.max(version, getLot(src, a)?.last ?? 0);
  return { lot, version };
};

/** Which lineage lot an entry is about: for a transform, the output on the path to the viewed lot (SPEC §8). */
const lotOf = (entry: Entry, candidates: string[], lineage: Map<string, LotRecord>): string => {
  if (entry.event.type !== 'lot.transform') return candidates[0];
  const body = entry.event.body as LotTransformBody;
  return body.outputs.find((o) => lineage.has(o.code))?.code ?? candidates[0];
};

export const collectTrace = (src: TraceSource, lot: LotRecord): TraceParts => {
  const lineage = new Map<string, LotRecord>([[lot.code, lot]]);
  for (const code of lot.ancestors) {
    const a = getLot(src, code);
    if (a) lineage.set(code, a);
  }
  // index → the lineage lots whose entry lists hold it, the viewed lot first
  const about = new Map<number, string[]>();
  const own = new Map<string, number[]>();
  for (const l of lineage.values()) {
    const list = lotEntries(src, l);
    own.set(l.code, list);
    for (const i of list) {
      const lots = about.get(i);
      if (lots) lots.push(l.code);
      else about.set(i, [l.code]);
    }
  }

  const actors = new Map<string, TimelineItem['actor']>();
  const actorOf = (id: string) => {
    let a = actors.get(id);
    if (!a) {
      const rec = getActor(src, id);
      a = { id, name: rec?.name ?? id, role: rec?.role ?? 'holder' };
      actors.set(id, a);
    }
    return a;
  };

  const timeline: TimelineItem[] = [];
  /** Recalled lineage lot → the indexes of its recalls. */
  const recalls = new Map<string, number[]>();
  const inspections: TraceParts['rest']['inspections'] = [];
  const readings: Array<Reading & { lot: string; shipment?: string }> = [];
  const subjects = new Map<string, { subject: string; storage: LotRecord['storage']; readings: Reading[] }>();
  for (const index of [...about.keys()].sort((a, b) => a - b)) {
    const entry = src.entry(index);
    if (!entry) continue;
    const code = lotOf(entry, about.get(index)!, lineage);
    timeline.push({ lot: code, index, at: entry.at, event: entry.event, leaf: entry.leaf, actor: actorOf(entry.event.actor) });
    if (entry.event.type === 'lot.recall') {
      const recalled = (entry.event.body as { code: string }).code;
      recalls.set(recalled, [...(recalls.get(recalled) ?? []), index]);
    }
    if (entry.event.type === 'lot.inspect') {
      const body = entry.event.body as LotInspectBody;
      inspections.push({ lot: code, index, result: body.result, tests: body.tests });
    } else if (entry.event.type === 'lot.temperature') {
      const body = entry.event.body as LotTemperatureBody;
      const key = body.shipment !== undefined ? `shipment/${body.shipment}` : `lot/${code}`;
      let s = subjects.get(key);
      if (!s) subjects.set(key, (s = { subject: body.shipment ?? code, storage: lineage.get(code)!.storage, readings: [] }));
      for (const { t, c } of body.readings) {
        s.readings.push({ t, c, index });
        readings.push({ lot: code, ...(body.shipment !== undefined && { shipment: body.shipment }), t, c, index });
      }
    }
  }

  const excursions = [...subjects.values()]
    .map((s) => tempExcursion(s.subject, s.storage, s.readings))
    .filter((x): x is TempExcursion => x !== undefined)
    .sort((a, b) => a.since.localeCompare(b.since) || a.subject.localeCompare(b.subject));

  return {
    head: { code: lot.code, product: lot.product, storage: lot.storage },
    rest: {
      quantity: lot.quantity,
      origins: lot.roots.flatMap((r) => {
        const origin = lineage.get(r)?.origin;
        return origin ? [{ lot: r, ...origin }] : [];
      }),
      lineage: { inputs: inputTree(src, lot), outputs: descendants(src, lot).map((d) => d.lot.code) },
      timeline,
      inspections,
      temperature: {
        readings: sortReadings(readings).map(({ index: _index, ...r }) => r),
        ...temperatureRange(readings),
        excursions,
      },
    },
    indexes: timeline.map((t) => t.index),
    subjects: [...lineage.values()].map((l) => {
      // A recall reaches every lot that descends from the recalled one when it is ordered: those made before it.
      const list = own.get(l.code)!;
      const made = list[0] ?? Infinity;
      const reached = l.ancestors.flatMap((a) => (recalls.get(a) ?? []).filter((i) => i > made));
      return { subject: lotSubject(l.code), indexes: [...new Set([...list, ...reached])].sort((a, b) => a - b) };
    }),
  };
};
