/**
 * The GS1 EPCIS 2.0 JSON-LD document of a lot's lineage (SPEC §8 Exports,
 * docs/EXPORTS.md): one event per ledger entry, in ledger order, mapped as
 *
 *   lot.create      ObjectEvent ADD      commissioning     active
 *   lot.inspect     ObjectEvent OBSERVE  inspecting        conformant | non_conformant
 *   lot.ship        ObjectEvent OBSERVE  shipping          in_transit
 *   lot.receive     ObjectEvent OBSERVE  receiving         in_progress
 *   lot.temperature ObjectEvent OBSERVE  sensor_reporting  (sensorElementList)
 *   lot.transform   TransformationEvent  commissioning     active
 *   lot.sell        ObjectEvent OBSERVE  retail_selling    retail_sold
 *   lot.recall      ObjectEvent OBSERVE  holding           recalled
 *   lot.dispose     ObjectEvent DELETE   destroying        destroyed
 *
 * eventTime is the actor's signed `at`, recordTime the ledger's entry time;
 * every event carries `anxin:ledgerIndex` and `anxin:leaf`. Extension fields
 * use the `anxin:` prefix of the document's context throughout (nested keys
 * too), so that JSON-LD expansion keeps them.
 */
import type { Checkpoint, Entry } from '../../../ledger/index.js';
import type {
  LotCreateBody,
  LotDisposeBody,
  LotInspectBody,
  LotReceiveBody,
  LotRecallBody,
  LotSellBody,
  LotShipBody,
  LotTemperatureBody,
  LotTransformBody,
} from '../../../schemas/trace.js';
import { descendants, getLot, getShipment, type LotRecord } from '../../trace/index.js';
import { anxinUrn, CST_OFFSET, cstDate, lotUri, quantityElement } from './identifiers.js';
import { lotIn, type ExportSource, type Lineage } from './lineage.js';

export const EPCIS_CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { anxin: 'urn:anxin:epcis:' }] as const;

type Json = Record<string, unknown>;

/** `{ a: 1, b: { c: 2 } }` → `{ "anxin:a": 1, "anxin:b": { "anxin:c": 2 } }` (arrays element-wise); undefined fields dropped. */
export const prefixed = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(prefixed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [`anxin:${k}`, prefixed(v)]),
  );
};

export interface EpcisOptions {
  origin: string;
  /** creationDate (ms). */
  now: number;
  /** A signed checkpoint covering every entry exported: proofs of `anxin:leaf` are against it. */
  checkpoint: Checkpoint;
}

/**
 * The mapping of one entry to its EPCIS event (undefined for entries that are
 * not about lots). `of` finds a lot record by code: from an export's lineage,
 * or from state for the query interface.
 */
export const epcisEventMapper = (
  src: ExportSource,
  origin: string,
  of: (code: string) => LotRecord | undefined = (code) => getLot(src, code),
): ((entry: Entry) => Json | undefined) => {
  const loc = (actor: string) => ({ id: anxinUrn(origin, 'loc', actor) });
  const party = (actor: string) => anxinUrn(origin, 'party', actor);
  const shipmentRef = (id: string) => [{ bizTransaction: anxinUrn(origin, 'shipment', id) }];
  const q = (lot: Pick<LotRecord, 'code' | 'product' | 'quantity'>, amount: number) =>
    quantityElement(lotUri(origin, lot), amount, lot.quantity.unit);
  const whole = (lot: LotRecord) => q(lot, lot.quantity.amount);

  const mapEntry = (entry: Entry): Json | undefined => {
    const { event } = entry;
    const head = {
      eventTime: event.at,
      eventTimeZoneOffset: CST_OFFSET,
      recordTime: entry.at,
      eventID: anxinUrn(origin, 'entry', entry.index),
    };
    const tail = { 'anxin:ledgerIndex': entry.index, 'anxin:leaf': entry.leaf, 'anxin:actor': event.actor, 'anxin:eventType': event.type };
    const observe = (fields: Json): Json => ({ type: 'ObjectEvent', ...head, action: 'OBSERVE', ...fields, ...tail });
    switch (event.type) {
      case 'lot.create': {
        const b = event.body as LotCreateBody;
        return {
          type: 'ObjectEvent',
          ...head,
          action: 'ADD',
          bizStep: 'commissioning',
          disposition: 'active',
          quantityList: [q(b, b.quantity.amount)],
          readPoint: loc(event.actor),
          bizLocation: loc(event.actor),
          ilmd: {
            'cbvmda:lotNumber': b.code,
            ...(b.harvestedAt && { 'cbvmda:harvestStartDate': b.harvestedAt }),
            ...(b.expiresAt && { 'cbvmda:itemExpirationDate': cstDate(b.expiresAt) }),
            ...(prefixed({ product: b.product, storage: b.storage, origin: b.origin, expiresAt: b.expiresAt }) as Json),
          },
          ...tail,
        };
      }
      case 'lot.inspect': {
        const b = event.body as LotInspectBody;
        const lot = of(b.code);
        return (
          lot &&
          observe({
            bizStep: 'inspecting',
            disposition: b.result === 'pass' ? 'conformant' : 'non_conformant',
            quantityList: [whole(lot)],
            readPoint: loc(event.actor),
            ...(prefixed({ result: b.result, tests: b.tests, report: b.report }) as Json),
          })
        );
      }
      case 'lot.ship': {
        const b = event.body as LotShipBody;
        const lot = of(b.code);
        return (
          lot &&
          observe({
            bizStep: 'shipping',
            disposition: 'in_transit',
            quantityList: [q(lot, b.amount)],
            readPoint: loc(event.actor),
            bizTransactionList: shipmentRef(b.shipment),
            sourceList: [
              { type: 'possessing_party', source: party(event.actor) },
              { type: 'location', source: loc(event.actor).id },
            ],
            destinationList: [
              { type: 'possessing_party', destination: party(b.to) },
              { type: 'location', destination: loc(b.to).id },
            ],
            ...(b.carrier !== undefined && { 'anxin:carrier': party(b.carrier) }),
          })
        );
      }
      case 'lot.receive': {
        const b = event.body as LotReceiveBody;
        const shipment = getShipment(src, b.shipment);
        const lot = shipment && of(shipment.lot);
        return (
          lot &&
          observe({
            bizStep: 'receiving',
            disposition: 'in_progress',
            quantityList: [q(lot, b.amount)],
            readPoint: loc(event.actor),
            bizLocation: loc(event.actor),
            bizTransactionList: shipmentRef(b.shipment),
            sourceList: [{ type: 'possessing_party', source: party(shipment.from) }],
            destinationList: [{ type: 'possessing_party', destination: party(event.actor) }],
            'anxin:shippedQuantity': shipment.amount,
          })
        );
      }
      case 'lot.temperature': {
        const b = event.body as LotTemperatureBody;
        const shipment = b.shipment !== undefined ? getShipment(src, b.shipment) : undefined;
        const lot = of(shipment ? shipment.lot : b.code!);
        return (
          lot &&
          observe({
            bizStep: 'sensor_reporting',
            quantityList: [shipment ? q(lot, shipment.amount) : whole(lot)],
            readPoint: loc(event.actor),
            ...(shipment && { bizTransactionList: shipmentRef(shipment.shipment) }),
            sensorElementList: [{ sensorReport: b.readings.map((r) => ({ type: 'Temperature', value: r.c, uom: 'CEL', time: r.t })) }],
          })
        );
      }
      case 'lot.transform': {
        const b = event.body as LotTransformBody;
        const inputs = b.inputs.flatMap((i) => {
          const lot = of(i.code);
          return lot ? [q(lot, i.amount)] : [];
        });
        return {
          type: 'TransformationEvent',
          ...head,
          inputQuantityList: inputs,
          outputQuantityList: b.outputs.map((o) => q(o, o.quantity.amount)),
          bizStep: 'commissioning',
          disposition: 'active',
          readPoint: loc(event.actor),
          bizLocation: loc(event.actor),
          ilmd: prefixed({
            outputs: b.outputs.map((o) => ({ code: o.code, product: o.product, storage: o.storage, expiresAt: o.expiresAt })),
          }),
          ...tail,
        };
      }
      case 'lot.sell': {
        const b = event.body as LotSellBody;
        const lot = of(b.code);
        return (
          lot &&
          observe({
            bizStep: 'retail_selling',
            disposition: 'retail_sold',
            quantityList: [q(lot, b.amount)],
            readPoint: loc(event.actor),
            bizLocation: loc(event.actor),
          })
        );
      }
      case 'lot.recall': {
        const b = event.body as LotRecallBody;
        const lot = of(b.code);
        if (!lot) return undefined;
        // The recall reached the lot and every lot already made from it (later ones cannot be made).
        const covered = [
          lot,
          ...descendants(src, lot)
            .map((d) => d.lot)
            .filter((d) => d.createdIndex < entry.index),
        ];
        return observe({
          bizStep: 'holding',
          disposition: 'recalled',
          quantityList: covered.map(whole),
          ...(prefixed({ recall: { lot: b.code, level: b.level, reason: b.reason } }) as Json),
        });
      }
      case 'lot.dispose': {
        const b = event.body as LotDisposeBody;
        const lot = of(b.code);
        return (
          lot && {
            type: 'ObjectEvent',
            ...head,
            action: 'DELETE',
            bizStep: 'destroying',
            disposition: 'destroyed',
            quantityList: [q(lot, b.amount)],
            readPoint: loc(event.actor),
            bizLocation: loc(event.actor),
            'anxin:reason': b.reason,
            ...tail,
          }
        );
      }
      default:
        return undefined;
    }
  };

  return mapEntry;
};

export const epcisDocument = (src: ExportSource, lineage: Lineage, options: EpcisOptions): Json => {
  const { origin } = options;
  const mapEntry = epcisEventMapper(src, origin, (code) => lotIn(src, lineage, code));
  const { checkpoint } = options;
  return {
    '@context': EPCIS_CONTEXT,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: new Date(options.now).toISOString(),
    'anxin:origin': origin,
    'anxin:lot': lotUri(origin, lineage.lot),
    'anxin:checkpoint': prefixed({ size: checkpoint.size, root: checkpoint.root, note: checkpoint.note }),
    epcisBody: { eventList: lineage.entries.map(mapEntry).filter((e): e is Json => e !== undefined) },
  };
};
