/**
 * The EPCIS query index (SPEC §15), kept at append time by an Observer so that
 * `GET /epcis/events` never scans the log: every entry about lots, in ledger
 * order, once overall and once per CBV business step.
 *
 *   epcis/all            { count }      epcis/all/<page>          entry indexes
 *   epcis/step/<step>    { count }      epcis/step/<step>/<page>  entry indexes
 *
 * Pages hold PAGE_SIZE indexes, so an append writes two small values. Lots'
 * own entry lists (trace/state.ts) serve MATCH_anyEPC. Pure, like every observer.
 */
import type { Observer, State } from '../domain/plugin.js';
import { appendPaged, PAGE_SIZE } from '../trace/index.js';

type Reader = Pick<State, 'get'>;

/** The CBV business step each anxin event type maps to (SPEC §8 Exports). */
export const BIZ_STEP: Readonly<Record<string, string>> = {
  'lot.create': 'commissioning',
  'lot.inspect': 'inspecting',
  'lot.transform': 'commissioning',
  'lot.ship': 'shipping',
  'lot.receive': 'receiving',
  'lot.temperature': 'sensor_reporting',
  'lot.sell': 'retail_selling',
  'lot.recall': 'holding',
  'lot.dispose': 'destroying',
};

const add = (state: State, key: string, index: number): void => {
  const count = state.get<{ count: number }>(key)?.count ?? 0;
  appendPaged(state, key, count, index);
  state.put(key, { count: count + 1 });
};

export const epcisIndexObserver: Observer = (state, event, ctx) => {
  const step = Object.hasOwn(BIZ_STEP, event.type) ? BIZ_STEP[event.type] : undefined;
  if (!step) return;
  add(state, 'epcis/all', ctx.index);
  add(state, `epcis/step/${step}`, ctx.index);
};

/** A sorted list of entry indexes, read page by page on demand. */
export interface IndexList {
  readonly length: number;
  at(i: number): number;
}

export const pagedList = (state: Reader, key: string): IndexList => {
  const length = state.get<{ count: number }>(key)?.count ?? 0;
  const pages = new Map<number, number[]>();
  return {
    length,
    at(i) {
      const p = Math.floor(i / PAGE_SIZE);
      let page = pages.get(p);
      if (!page) pages.set(p, (page = state.get<number[]>(`${key}/${p}`) ?? []));
      return page[i % PAGE_SIZE];
    },
  };
};

export const arrayList = (xs: readonly number[]): IndexList => ({ length: xs.length, at: (i) => xs[i] });

/** The first position whose value satisfies `ok` (which must be false, then true, along the list). */
export const lowerBound = (list: IndexList, ok: (index: number) => boolean): number => {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ok(list.at(mid))) hi = mid;
    else lo = mid + 1;
  }
  return lo;
};
