/**
 * Lot rules decided when the lot is made (SPEC §10); the facts never change
 * afterwards, so these anomalies stay open:
 *
 *   yield          subject: the first output lot of a transform. Red when the
 *                  total output exceeds the total input. Mass units (g, kg, t)
 *                  convert to each other; any other unit compares only with
 *                  itself, so a transform is judged only when all its inputs and
 *                  outputs are in one comparable dimension (docs/ANOMALIES.md).
 *   closed-season  subject: the lot. Red for a lot.create with origin.zone
 *                  `east-china-sea` and origin.method `wild` harvested (harvestedAt,
 *                  else the entry time) from May 1 to Sep 16 inclusive, China
 *                  Standard Time: the East China Sea summer fishing moratorium (伏季休渔).
 */
import type { LotCreateBody, LotTransformBody } from '../../../schemas/trace.js';
import type { EventContext, State } from '../../domain/plugin.js';
import { getLot, type Unit } from '../../trace/index.js';
import { setOpen } from './store.js';
import { cstDate } from './time.js';
import { anomalyId, subjectKey } from './types.js';

/** Micro-grams per micro-unit of each mass unit. */
const MASS: Partial<Record<Unit, bigint>> = { g: 1n, kg: 1000n, t: 1_000_000n };
const micro = (x: number): bigint => BigInt(Math.round(x * 1e6));

/** An amount in a comparable dimension: mass in micro-grams, any other unit in its own micro-units. */
const measure = (amount: number, unit: Unit): { dim: string; value: bigint } =>
  MASS[unit] !== undefined ? { dim: 'mass', value: micro(amount) * MASS[unit]! } : { dim: unit, value: micro(amount) };

/** In the unit reported: kg for mass, else the unit itself. */
const report = (dim: string, value: bigint): number => (dim === 'mass' ? Number(value) / 1e9 : Number(value) / 1e6);

export const observeTransform = (state: State, body: LotTransformBody, ctx: Pick<EventContext, 'index' | 'at'>): void => {
  const ins = body.inputs.map(({ code, amount }) => {
    const unit = getLot(state, code)?.quantity.unit;
    return unit ? measure(amount, unit) : undefined;
  });
  const outs = body.outputs.map((o) => measure(o.quantity.amount, o.quantity.unit));
  const all = [...ins, ...outs];
  if (all.some((m) => m === undefined)) return;
  const dims = new Set(all.map((m) => m!.dim));
  if (dims.size !== 1) return;
  const dim = [...dims][0];
  const input = ins.reduce((s, m) => s + m!.value, 0n);
  const output = outs.reduce((s, m) => s + m.value, 0n);
  if (output <= input) return;
  const subject = body.outputs[0].code;
  setOpen(state, 'yield', subjectKey('lot', subject), {
    id: anomalyId('yield', subject),
    rule: 'yield',
    severity: 'red',
    subject,
    since: ctx.at,
    detail: {
      unit: dim === 'mass' ? 'kg' : dim,
      input: report(dim, input),
      output: report(dim, output),
      inputs: body.inputs.map((i) => i.code),
      outputs: body.outputs.map((o) => o.code),
    },
    entries: [ctx.index],
  });
};

export const CLOSED_SEASON = { zone: 'east-china-sea', method: 'wild', from: [5, 1], to: [9, 16] } as const;

/** Whether an instant falls in May 1 – Sep 16 inclusive, China Standard Time. */
export const inClosedSeason = (ms: number): boolean => {
  const { month, day } = cstDate(ms);
  const md = month * 100 + day;
  return md >= CLOSED_SEASON.from[0] * 100 + CLOSED_SEASON.from[1] && md <= CLOSED_SEASON.to[0] * 100 + CLOSED_SEASON.to[1];
};

export const observeCreate = (state: State, body: LotCreateBody, ctx: Pick<EventContext, 'index' | 'at' | 'atMs'>): void => {
  const { zone, method } = body.origin;
  if (zone !== CLOSED_SEASON.zone || method !== CLOSED_SEASON.method) return;
  const harvested = body.harvestedAt !== undefined ? Date.parse(body.harvestedAt) : ctx.atMs;
  if (!inClosedSeason(harvested)) return;
  setOpen(state, 'closed-season', subjectKey('lot', body.code), {
    id: anomalyId('closed-season', body.code),
    rule: 'closed-season',
    severity: 'red',
    subject: body.code,
    since: ctx.at,
    detail: {
      zone,
      method,
      harvestedAt: new Date(harvested).toISOString(),
      harvestDateCst: cstDate(harvested).text,
      season: '05-01..09-16 (CST)',
    },
    entries: [ctx.index],
  });
};
