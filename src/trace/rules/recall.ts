/**
 * lot.recall (SPEC §7): by a regulator or by the creator of one of the lot's
 * root ancestors (for a root lot: its own creator). The lot and every lot made
 * from it, transitively, become `recalled` — written into each record now, so
 * later checks need no lineage walk, and lots made later cannot descend from it
 * (a recalled lot cannot be transformed). A lot reached by two recalls keeps the
 * most severe level (1 is the most severe). In-transit amounts stay in transit;
 * receiving and disposing stay allowed.
 */
import { lotRecall, type LotRecallBody } from '../../../schemas/trace.js';
import type { EventType, State } from '../../domain/plugin.js';
import { ApiError } from '../../errors.js';
import { descendants } from '../lineage.js';
import { getLot, logEntry, lotSubject, putLot, strongerRecall, type LotRecord, type Recall } from '../state.js';
import { requireLot } from './guards.js';
import { startRecall } from '../recall-progress.js';

const mayRecall = (state: State, lot: LotRecord, actor: string): boolean =>
  lot.roots.some((code) => getLot(state, code)?.creator === actor);

export const lotRecallEvent: EventType<LotRecallBody> = {
  type: 'lot.recall',
  body: lotRecall,
  roles: 'any',
  apply(state, { actor, body }, ctx) {
    const lot = requireLot(state, body.code);
    if (ctx.principal.role !== 'regulator' && !mayRecall(state, lot, actor))
      throw new ApiError(
        'forbidden',
        `only a regulator or the creator of a root lot of ${lot.code} (${lot.roots.join(', ')}) may recall it`,
      );
    const recall: Recall = { index: ctx.index, at: ctx.at, level: body.level, reason: body.reason, by: actor, lot: lot.code };
    const mark = (rec: LotRecord) => {
      rec.recall = strongerRecall(rec.recall, recall);
    };
    const covered = descendants(state, lot);
    mark(lot);
    logEntry(state, lot, ctx);
    putLot(state, lot);
    for (const { lot: d } of covered) {
      // Every lot the recall reaches now names it in its own subject chain (SPEC §12).
      ctx.concern(lotSubject(d.code));
      mark(d);
      putLot(state, d);
    }
    startRecall(state, recall, [lot, ...covered.map((d) => d.lot)], ctx.atMs);
  },
};
