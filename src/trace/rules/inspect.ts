/**
 * lot.inspect (SPEC §7), by an inspector: the latest result decides whether the
 * lot is on hold — a `fail` holds it (ship, sell, transform → lot_held) until a
 * later `pass`. A hold is on that lot only; lots already made from it are not
 * held (the regulator's failed-descendant anomaly flags them).
 */
import { lotInspect, type LotInspectBody } from '../../../schemas/trace.js';
import type { EventType } from '../../domain/plugin.js';
import { ApiError } from '../../errors.js';
import { logEntry, putLot } from '../state.js';
import { requireLot } from './guards.js';

export const lotInspectEvent: EventType<LotInspectBody> = {
  type: 'lot.inspect',
  body: lotInspect,
  roles: ['inspector'],
  apply(state, { body }, ctx) {
    const lot = requireLot(state, body.code);
    // A pass that lists a failed test would lift a hold on evidence of a failure.
    const failed = body.tests.find((t) => !t.pass);
    if (body.result === 'pass' && failed)
      throw new ApiError('invalid_event', `body.result is pass but test "${failed.name}" did not pass; post result fail`);
    lot.inspection = { index: ctx.index, at: ctx.at, result: body.result };
    logEntry(state, lot, ctx);
    putLot(state, lot);
  },
};
