/** Food traceability events and views (SPEC §7, §8). */
import { z } from 'zod';
import { freeText } from './pii.js';
import { actorId, id, role, timestamp, unit } from './common.js';
import { checkpoint, completeness, envelope } from './envelope.js';
import type { RouteDoc } from './routes.js';
import { GTIN_PATTERN, gtinCheckDigitOk } from './gtin.js';

export const STORAGE_CLASSES = ['ambient', 'chilled', 'frozen'] as const;
export const storage = z.enum(STORAGE_CLASSES);
export type StorageClass = z.infer<typeof storage>;

/** Largest lot amount: 1e9 units with 6 decimals stays exact in micro-units (< 2^53). */
export const MAX_LOT_AMOUNT = 1e9;
export const AMOUNT_DECIMALS = 6;

/** Decimal places of a number as JSON writes it (shortest round-trip form); Infinity for exponent forms of non-integers. */
export const decimalPlaces = (x: number): number => {
  const s = String(x);
  if (s.includes('e')) return Number.isInteger(x) ? 0 : Infinity;
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
};

const sixDecimals = (x: number) => decimalPlaces(x) <= AMOUNT_DECIMALS;
const sixDecimalsMessage = `must have at most ${AMOUNT_DECIMALS} decimal places`;
/** An amount of an existing lot, a plain number in that lot's unit (SPEC §7). */
export const lotAmount = z
  .number()
  .positive()
  .max(MAX_LOT_AMOUNT)
  .refine(sixDecimals, sixDecimalsMessage)
  .meta({ description: `in the lot's unit; at most ${AMOUNT_DECIMALS} decimal places; whole numbers for piece and box` });
/** A received amount: 0 closes a shipment that was lost entirely. */
export const receivedAmount = z
  .number()
  .nonnegative()
  .max(MAX_LOT_AMOUNT)
  .refine(sixDecimals, sixDecimalsMessage)
  .meta({ description: `in the lot's unit; at most ${AMOUNT_DECIMALS} decimal places; 0 when nothing arrived` });

export const lotQuantity = z.strictObject({ amount: lotAmount, unit }).meta({ id: 'LotQuantity' });

export const product = z
  .strictObject({
    name: freeText(1, 200),
    gtin: z
      .string()
      .regex(GTIN_PATTERN, 'must be a GTIN-8, -12, -13 or -14 (digits only)')
      .refine(gtinCheckDigitOk, 'has a wrong GS1 check digit (the last digit)')
      .optional()
      .meta({ description: 'GTIN-8, -12, -13 or -14 with a valid GS1 mod-10 check digit' }),
    category: z.string().min(1).max(100),
  })
  .meta({ id: 'Product' });
export type Product = z.infer<typeof product>;

export const origin = z
  .strictObject({
    place: freeText(1, 200),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
    zone: z.string().min(1).max(100).optional(),
    method: z.enum(['farmed', 'wild']).optional(),
  })
  .meta({ id: 'Origin' });
export type Origin = z.infer<typeof origin>;

const reason = freeText(1, 500);

export const lotCreate = z
  .strictObject({
    code: id,
    product,
    quantity: lotQuantity,
    storage,
    origin,
    harvestedAt: timestamp.optional(),
    expiresAt: timestamp.optional(),
  })
  .meta({ id: 'LotCreateBody' });
export type LotCreateBody = z.infer<typeof lotCreate>;

export const labTest = z
  .strictObject({
    name: z.string().min(1).max(200),
    value: z.number().finite().optional(),
    unit: z.string().min(1).max(32).optional(),
    limit: z.number().finite().optional(),
    pass: z.boolean(),
  })
  .meta({ id: 'LabTest' });

export const lotInspect = z
  .strictObject({
    code: id,
    result: z.enum(['pass', 'fail']),
    tests: z.array(labTest).min(1).max(100),
    report: freeText(1, 2000).optional(),
  })
  .meta({ id: 'LotInspectBody' });
export type LotInspectBody = z.infer<typeof lotInspect>;

export const MAX_TRANSFORM_LOTS = 100;
export const lotTransform = z
  .strictObject({
    inputs: z
      .array(z.strictObject({ code: id, amount: lotAmount }))
      .min(1)
      .max(MAX_TRANSFORM_LOTS),
    outputs: z
      .array(z.strictObject({ code: id, product, quantity: lotQuantity, storage, expiresAt: timestamp.optional() }))
      .min(1)
      .max(MAX_TRANSFORM_LOTS),
  })
  .meta({ id: 'LotTransformBody' });
export type LotTransformBody = z.infer<typeof lotTransform>;

export const lotShip = z
  .strictObject({ shipment: id, code: id, amount: lotAmount, to: actorId, carrier: actorId.optional() })
  .meta({ id: 'LotShipBody' });
export type LotShipBody = z.infer<typeof lotShip>;

export const lotReceive = z.strictObject({ shipment: id, amount: receivedAmount }).meta({ id: 'LotReceiveBody' });
export type LotReceiveBody = z.infer<typeof lotReceive>;

export const MAX_READINGS = 1000;
export const reading = z.strictObject({ t: timestamp, c: z.number().finite().min(-100).max(150) }).meta({ id: 'TemperatureReading' });
export const lotTemperature = z
  .strictObject({
    shipment: id.optional(),
    code: id.optional(),
    readings: z.array(reading).min(1).max(MAX_READINGS),
  })
  .refine((b) => (b.shipment === undefined) !== (b.code === undefined), 'give exactly one of shipment and code')
  .meta({ id: 'LotTemperatureBody' });
export type LotTemperatureBody = z.infer<typeof lotTemperature>;

export const lotSell = z.strictObject({ code: id, amount: lotAmount }).meta({ id: 'LotSellBody' });
export type LotSellBody = z.infer<typeof lotSell>;

export const lotRecall = z
  .strictObject({ code: id, level: z.union([z.literal(1), z.literal(2), z.literal(3)]), reason })
  .meta({ id: 'LotRecallBody', description: 'level 1 is the most severe (一级召回)' });
export type LotRecallBody = z.infer<typeof lotRecall>;

export const lotDispose = z.strictObject({ code: id, amount: lotAmount, reason }).meta({ id: 'LotDisposeBody' });
export type LotDisposeBody = z.infer<typeof lotDispose>;

/** Every food event type's body schema by type name: the rules register exactly these (a test checks), and the anomaly observer's event union is inferred from them. */
export const TRACE_EVENT_BODIES = {
  'lot.create': lotCreate,
  'lot.inspect': lotInspect,
  'lot.transform': lotTransform,
  'lot.ship': lotShip,
  'lot.receive': lotReceive,
  'lot.temperature': lotTemperature,
  'lot.sell': lotSell,
  'lot.recall': lotRecall,
  'lot.dispose': lotDispose,
} as const;

// ---- views ----

export const LOT_STATUSES = ['recalled', 'held', 'expired', 'active'] as const;
export const lotStatus = z.enum(LOT_STATUSES);
export type LotStatus = z.infer<typeof lotStatus>;

export const tempExcursionView = z
  .object({
    id: z.string(),
    rule: z.literal('temp-excursion'),
    severity: z.enum(['yellow', 'red']),
    subject: z.string(),
    since: timestamp,
    detail: z.record(z.string(), z.unknown()),
    entries: z.array(z.number().int().nonnegative()),
  })
  .meta({ id: 'TempExcursion' });

interface LineageNode {
  code: string;
  inputs: LineageNode[];
}
const lineageNode: z.ZodType<LineageNode> = z
  .object({
    code: id,
    get inputs() {
      return z.array(lineageNode);
    },
  })
  .meta({ id: 'LineageNode' });

const index = z.number().int().nonnegative();

export const traceView = z
  .object({
    code: id,
    product,
    storage,
    status: lotStatus,
    quantity: lotQuantity,
    origins: z.array(origin.extend({ lot: id })),
    lineage: z.object({ inputs: z.array(lineageNode), outputs: z.array(id) }),
    timeline: z.array(
      z.object({ lot: id, index, at: timestamp, event: envelope, leaf: z.string(), actor: z.object({ id, name: z.string(), role }) }),
    ),
    inspections: z.array(z.object({ lot: id, index, result: z.enum(['pass', 'fail']), tests: z.array(labTest) })),
    temperature: z.object({
      readings: z.array(z.object({ lot: id, shipment: id.optional(), t: timestamp, c: z.number() })),
      min: z.number().nullable(),
      max: z.number().nullable(),
      excursions: z.array(tempExcursionView),
    }),
    checkpoint,
    proofs: z.record(z.string(), z.array(z.string())),
    completeness,
  })
  .meta({ id: 'TraceView' });

export const recallInfo = z
  .object({
    lot: id.meta({ description: 'the lot the recall was ordered for: this one or an ancestor' }),
    index: index.meta({ description: 'the lot.recall entry' }),
    level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    reason: z.string(),
    by: id,
    at: timestamp,
    deadline: timestamp.meta({ description: 'at + 24 / 48 / 72 h for level 1 / 2 / 3 (SPEC §15)' }),
  })
  .meta({ id: 'RecallInfo' });

export const recallView = z
  .object({
    code: id,
    recall: recallInfo.nullable().meta({ description: 'the recall that covers the lot; null before any' }),
    deadline: timestamp.nullable().meta({ description: "the recall's deadline; null before any recall" }),
    lots: z.array(
      z.object({
        code: id,
        depth: index,
        product,
        status: lotStatus,
        holdings: z.array(z.object({ actor: id, amount: z.number() })),
        inTransit: z.array(z.object({ shipment: id, from: id, to: id, carrier: id.nullable(), amount: z.number() })),
        sold: z.number(),
        disposed: z.number(),
        remaining: z.number().meta({ description: 'held + in transit: what the recall still has to reach' }),
        unit,
        deadline: timestamp.nullable().meta({ description: 'the deadline of the recall covering this lot (null when none)' }),
      }),
    ),
  })
  .meta({ id: 'RecallView' });
export type RecallView = z.infer<typeof recallView>;

export const recallProgressView = z
  .object({
    recalls: z.array(
      recallInfo.extend({
        lots: z.number().int().meta({ description: 'lots covered when it was ordered' }),
        remaining: z.record(z.string(), z.number()).meta({ description: 'unit → held + in transit, now' }),
        overdue: z.boolean().meta({ description: 'past the deadline with something remaining' }),
        series: z
          .array(z.object({ at: timestamp, remaining: z.record(z.string(), z.number()) }))
          .meta({ description: 'remaining after each change, the first at the recall (at most 500 points)' }),
      }),
    ),
  })
  .meta({ id: 'RecallProgress' });
export type RecallProgressView = z.infer<typeof recallProgressView>;

const codeParam = z.object({ code: id });

export const traceDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/trace/{code}',
    tag: 'trace',
    summary: 'The trace view of a lot: origin, lineage, timeline, inspections, cold chain, with inclusion proofs',
    description:
      'Every timeline entry has an RFC 9162 inclusion proof against the one signed checkpoint in the response, so a scanner ' +
      'can verify the view against the operator key (GET /v1/ledger) without trusting the server. The checkpoint covers the ' +
      "lot's latest entry; it need not be the newest one.",
    auth: 'public',
    params: codeParam,
    responses: { 200: { description: 'The trace view', schema: traceView, headers: { ETag: 'changes when the view changes' } } },
    errors: ['lot_not_found'],
  },
  {
    method: 'get',
    path: '/v1/trace/{code}/qr.svg',
    tag: 'trace',
    summary:
      'A QR code of the lot: its GS1 Digital Link URI (<ANXIN_PUBLIC_URL>/01/<GTIN-14>/10/<code>) when it has a GTIN, else its trace page',
    auth: 'public',
    params: codeParam,
    responses: { 200: { description: 'An SVG QR code', contentType: 'image/svg+xml' } },
    errors: ['lot_not_found'],
  },
  {
    method: 'get',
    path: '/01/{gtin}/10/{code}',
    tag: 'trace',
    summary: 'GS1 Digital Link resolver: a lot of a trade item (AI 01 GTIN, AI 10 lot)',
    description:
      'The trace page (302) for a browser; the trace view (200, as GET /v1/trace/{code}) with `Accept: application/json` or ' +
      '`?linkType=gs1:traceability`; the RFC 9264 linkset with `?linkType=all` or `Accept: application/linkset+json`. ' +
      'The GTIN may be written with 8, 12, 13 or 14 digits. A lot that does not have this GTIN is 404.',
    auth: 'public',
    params: z.object({ gtin: z.string().meta({ description: 'GTIN-8/12/13/14 with a valid check digit' }), code: id }),
    query: z.object({ linkType: z.string().optional().meta({ description: 'gs1:traceability, gs1:pip or all' }) }),
    responses: {
      200: { description: 'The trace view, or the linkset', schema: traceView },
      302: { description: 'To the trace page', headers: { Location: 'the trace page', Link: 'the trace view (gs1:traceability)' } },
    },
    errors: ['lot_not_found', 'invalid_request'],
  },
  {
    method: 'get',
    path: '/v1/regulator/recall/{code}',
    tag: 'trace',
    summary: 'The recall view: the lot and every lot made from it, who holds how much, what is in transit, what was sold',
    auth: 'signed',
    params: codeParam,
    responses: { 200: { description: 'The recall view (regulators and auditors)', schema: recallView } },
    errors: ['unauthenticated', 'forbidden', 'lot_not_found'],
  },
  {
    method: 'get',
    path: '/v1/regulator/recalls',
    tag: 'trace',
    summary: 'The latest recalls, newest first, each with its deadline and what is still held or in transit over time',
    auth: 'signed',
    query: z.object({ limit: z.string().optional().meta({ description: '1 to 100, default 20' }) }),
    responses: { 200: { description: 'Recall progress (regulators and auditors)', schema: recallProgressView } },
    errors: ['unauthenticated', 'forbidden', 'invalid_request'],
  },
];
