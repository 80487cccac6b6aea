/** lot.create (SPEC §7): a root lot, held in full by its creator (a producer or processor). */
import { lotCreate, type LotCreateBody } from '../../../schemas/trace.js';
import type { EventContext, EventType } from '../../domain/plugin.js';
import { ApiError } from '../../errors.js';
import { getLot, indexProduct, logEntry, putLot, type LotRecord } from '../state.js';
import { requireWholeUnits } from './guards.js';

/** Readings and harvest times may run ahead of the server clock by at most this (SPEC §2's default skew; fixed so replay never depends on configuration). */
export const FUTURE_LIMIT_MS = 600_000;

/** A new lot record held in full by `holder`; the caller logs its entry and puts it. */
export const newLot = (
  fields: Pick<LotRecord, 'code' | 'product' | 'quantity' | 'storage' | 'inputs' | 'ancestors' | 'roots'> &
    Partial<Pick<LotRecord, 'origin' | 'harvestedAt' | 'expiresAt'>>,
  holder: string,
  ctx: EventContext,
): LotRecord => ({
  ...fields,
  creator: holder,
  createdIndex: ctx.index,
  createdAt: ctx.at,
  holdings: { [holder]: fields.quantity.amount },
  inTransit: {},
  sold: 0,
  disposed: 0,
  transformedOut: 0,
  lost: 0,
  entryCount: 0,
  outputCount: 0,
  last: ctx.index,
  descLast: ctx.index,
});

/** expiresAt must lie after the entry's server time (invalid_event). */
export const requireFutureExpiry = (expiresAt: string | undefined, ctx: EventContext, field: string): void => {
  if (expiresAt !== undefined && Date.parse(expiresAt) <= ctx.atMs)
    throw new ApiError('invalid_event', `${field}: ${expiresAt} is not after the entry time ${ctx.at}`);
};

export const lotCreateEvent: EventType<LotCreateBody> = {
  type: 'lot.create',
  body: lotCreate,
  roles: ['producer', 'processor'],
  apply(state, { actor, body }, ctx) {
    if (getLot(state, body.code)) throw new ApiError('lot_exists', `lot ${body.code} already exists; trace codes are unique forever`);
    requireFutureExpiry(body.expiresAt, ctx, 'body.expiresAt');
    if (body.harvestedAt !== undefined) {
      const harvested = Date.parse(body.harvestedAt);
      if (harvested > ctx.atMs + FUTURE_LIMIT_MS)
        throw new ApiError('invalid_event', `body.harvestedAt: ${body.harvestedAt} is in the future`);
      if (body.expiresAt !== undefined && harvested >= Date.parse(body.expiresAt))
        throw new ApiError('invalid_event', 'body.harvestedAt must be before body.expiresAt');
    }
    const lot = newLot(
      {
        code: body.code,
        product: body.product,
        quantity: body.quantity,
        storage: body.storage,
        origin: body.origin,
        ...(body.harvestedAt !== undefined && { harvestedAt: body.harvestedAt }),
        ...(body.expiresAt !== undefined && { expiresAt: body.expiresAt }),
        inputs: [],
        ancestors: [],
        roots: [body.code],
      },
      actor,
      ctx,
    );
    requireWholeUnits(lot, body.quantity.amount, 'body.quantity.amount');
    logEntry(state, lot, ctx);
    putLot(state, lot);
    indexProduct(state, lot);
  },
};
