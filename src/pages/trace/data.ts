/**
 * What the trace page shows, read from committed state in one synchronous step:
 * the trace view of SPEC §8 (as GET /v1/trace builds it, without the checkpoint
 * and proofs — the browser fetches those and verifies) plus what the banner and
 * header need from the lot records (recall, failed inspection, dates) and the
 * display names of actors that events name by id.
 */
import type { Entry, StateView } from '../../../ledger/index.js';
import type { LotStatus, Origin } from '../../../schemas/trace.js';
import { getActor } from '../../actors/index.js';
import { getLot, lotStatus, type Recall, collectTrace, type TraceParts } from '../../trace/index.js';

type Source = Pick<StateView, 'get'> & { entry(index: number): Entry | undefined };

export type TraceTimelineItem = TraceParts['rest']['timeline'][number];
export type TraceInspection = TraceParts['rest']['inspections'][number];

export interface TracePageData {
  code: string;
  product: TraceParts['head']['product'];
  storage: TraceParts['head']['storage'];
  status: LotStatus;
  rest: TraceParts['rest'];
  expiresAt?: string;
  /** The origin of each root lot, with its harvest time. */
  origins: Array<{ lot: string; harvestedAt?: string } & Origin>;
  recall?: Recall;
  /** The failed inspection that holds the lot (status held). */
  heldBy?: TraceInspection & { report?: string };
  /** Display name of an actor id (the id itself when unknown). */
  nameOf(id: string): string;
}

export const loadTrace = (src: Source, code: string, nowMs: number): TracePageData | undefined => {
  const lot = getLot(src, code);
  if (!lot) return undefined;
  const parts = collectTrace(src, lot);
  const status = lotStatus(lot, nowMs);
  const held = status === 'held' ? parts.rest.inspections.find((i) => i.index === lot.inspection?.index) : undefined;
  const report = held && (parts.rest.timeline.find((e) => e.index === held.index)?.event.body as { report?: string }).report;
  const names = new Map<string, string>();
  return {
    code: lot.code,
    product: parts.head.product,
    storage: parts.head.storage,
    status,
    rest: parts.rest,
    expiresAt: lot.expiresAt,
    origins: parts.rest.origins.map((o) => ({ ...o, harvestedAt: getLot(src, o.lot)?.harvestedAt })),
    recall: lot.recall,
    heldBy: held && { ...held, report },
    nameOf: (id) => {
      let n = names.get(id);
      if (n === undefined) names.set(id, (n = getActor(src, id)?.name ?? id));
      return n;
    },
  };
};
