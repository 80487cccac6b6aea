/**
 * lot.transform (SPEC §7), by a processor: takes amounts of input lots it holds
 * and makes new output lots that it holds in full. Each lot balances in its own
 * unit; no conversion happens between inputs and outputs, and an output larger
 * than its inputs is allowed (the regulator's `yield` anomaly flags it).
 *
 * Lineage is written both ways here: each output records its inputs, ancestors
 * and roots; each input lists the outputs; every ancestor's `descLast` moves so
 * cached views that list descendants know they changed.
 */
import { lotTransform, type LotTransformBody } from '../../../schemas/trace.js';
import type { EventType } from '../../domain/plugin.js';
import { ApiError } from '../../errors.js';
import { add, sub } from '../amount.js';
import { ancestryOf, rootsOf } from '../lineage.js';
import { amountIn, getLot, logEntry, logOutput, putLot, setAmount, type LotRecord, indexProduct } from '../state.js';
import { newLot, requireFutureExpiry } from './create.js';
import { requireEnough, requireHolder, requireLot, requireUsable, requireWholeUnits } from './guards.js';

const firstDuplicate = (codes: string[]): string | undefined => codes.find((c, i) => codes.indexOf(c) !== i);

/** The earliest expiry among the inputs: an output without its own expiresAt cannot outlive what it was made from. */
const earliestExpiry = (inputs: readonly LotRecord[]): string | undefined =>
  inputs
    .map((l) => l.expiresAt)
    .filter((e): e is string => e !== undefined)
    .sort((a, b) => Date.parse(a) - Date.parse(b))[0];

export const lotTransformEvent: EventType<LotTransformBody> = {
  type: 'lot.transform',
  body: lotTransform,
  roles: ['processor'],
  apply(state, { actor, body }, ctx) {
    const dupIn = firstDuplicate(body.inputs.map((i) => i.code));
    if (dupIn) throw new ApiError('invalid_event', `body.inputs: lot ${dupIn} is listed twice; give its total amount once`);
    const dupOut = firstDuplicate(body.outputs.map((o) => o.code));
    if (dupOut) throw new ApiError('invalid_event', `body.outputs: code ${dupOut} is listed twice`);
    body.outputs.forEach((o, i) => requireFutureExpiry(o.expiresAt, ctx, `body.outputs.${i}.expiresAt`));

    const inputs = body.inputs.map(({ code, amount }, i) => {
      const lot = requireLot(state, code, `body.inputs.${i}.code`);
      requireWholeUnits(lot, amount, `body.inputs.${i}.amount`);
      const held = requireHolder(lot, actor);
      requireUsable(lot, { expiry: true, atMs: ctx.atMs });
      requireEnough(lot, amount, held, `what ${actor} holds`);
      return lot;
    });
    body.outputs.forEach((o, i) => {
      if (getLot(state, o.code)) throw new ApiError('lot_exists', `body.outputs.${i}.code: lot ${o.code} already exists`);
    });

    const ancestors = ancestryOf(inputs);
    const roots = rootsOf(inputs);
    const inherited = earliestExpiry(inputs);
    const outputs = body.outputs.map((o, i) => {
      const lot = newLot(
        {
          code: o.code,
          product: o.product,
          quantity: o.quantity,
          storage: o.storage,
          ...((o.expiresAt ?? inherited) !== undefined && { expiresAt: o.expiresAt ?? inherited }),
          inputs: body.inputs.map(({ code, amount }) => ({ code, amount })),
          ancestors,
          roots,
        },
        actor,
        ctx,
      );
      requireWholeUnits(lot, o.quantity.amount, `body.outputs.${i}.quantity.amount`);
      return lot;
    });

    inputs.forEach((lot, i) => {
      const amount = body.inputs[i].amount;
      setAmount(lot.holdings, actor, sub(amountIn(lot.holdings, actor), amount));
      lot.transformedOut = add(lot.transformedOut, amount);
      for (const o of outputs) logOutput(state, lot, o.code);
      logEntry(state, lot, ctx);
      lot.descLast = ctx.index;
      putLot(state, lot);
    });
    const inputCodes = new Set(inputs.map((l) => l.code));
    for (const code of ancestors) {
      if (inputCodes.has(code)) continue;
      const lot = getLot(state, code);
      if (!lot) continue;
      lot.descLast = ctx.index;
      putLot(state, lot);
    }
    for (const lot of outputs) {
      logEntry(state, lot, ctx);
      putLot(state, lot);
      indexProduct(state, lot);
    }
  },
};
