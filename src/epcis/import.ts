/**
 * EPCIS 2.0 import (SPEC §15, `anxin epcis import`): the pure mapping of an
 * EPCIS 2.0 JSON-LD document — an EPCISDocument, an EPCISQueryDocument or one
 * event — to the anxin food events it states, and a report of every EPCIS
 * event that has no anxin equivalent and why. No I/O: the CLI signs and posts.
 *
 * Identifiers are read the way the export (regulator/exports/identifiers.ts)
 * and the Digital Link resolver write them: a Digital Link
 * `…/01/{gtin}/10/{lot}`, an LGTIN `urn:epc:class:lgtin:…`, or
 * `urn:anxin:epcis:lot:<origin>:<code>` names a lot; an SGTIN names an item of
 * a GTIN whose lot comes from `ilmd` (`cbvmda:lotNumber`). Fields EPCIS does
 * not carry (a product's name, a lot's storage class, a recall's level) come
 * from the `anxin:` extensions the export writes, so that what
 * `GET /v1/regulator/export/epcis` produces imports back to equivalent events.
 *
 * Each anxin event's id is derived from the EPCIS eventID (or a hash of the
 * event when it has none) and its position among the events it maps to, so a
 * second import of the same document posts the same ids (the service answers
 * them as duplicates, and nothing is appended twice). Decisions: docs/TRACE.md.
 */
import { createHash } from 'node:crypto';
import { canonicalize } from '../../ledger/index.js';
import { gtin14, gtinCheckDigit, gtinCheckDigitOk } from '../../schemas/gtin.js';
import { MAX_READINGS, STORAGE_CLASSES, TRACE_EVENT_BODIES, type StorageClass } from '../../schemas/trace.js';
import { bizStepName } from './query.js';

type Json = Record<string, any>;

/** An anxin event the document states, ready to be signed by the importing actor. */
export interface PlannedEvent {
  id: string;
  type: keyof typeof TRACE_EVENT_BODIES;
  body: Record<string, unknown>;
  /** The EPCIS event it comes from (its eventID, or `#n` by position). */
  source: string;
}

/** An EPCIS event that is not imported, and why. */
export interface Unmapped {
  source: string;
  eventType: string;
  bizStep?: string;
  reason: string;
}

/** An event of another party: the document states it, but the importing actor may not post it. */
export interface OtherParty {
  source: string;
  bizStep?: string;
  party: string;
}

export interface ImportPlan {
  events: PlannedEvent[];
  unmapped: Unmapped[];
  otherParties: OtherParty[];
}

export interface ImportOptions {
  /** The importing actor (the key file's id): events located at another known actor are left to it. */
  signer: string;
  /** EPCIS party and location identifiers (SGLN, PGLN, …) → anxin actor ids. */
  parties?: Record<string, string>;
  /** The storage class of lots whose commissioning event does not give one (`anxin:storage`). */
  storage?: StorageClass;
}

/** The input is not an EPCIS 2.0 JSON document or event. */
export class EpcisInputError extends Error {}

const EVENT_TYPES = ['ObjectEvent', 'AggregationEvent', 'TransactionEvent', 'TransformationEvent', 'AssociationEvent'];

/** The events of an EPCISDocument, an EPCISQueryDocument or a single event, in document order. */
export const epcisEventsOf = (doc: unknown): Json[] => {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new EpcisInputError('not an EPCIS 2.0 document: expected a JSON object (EPCISDocument, EPCISQueryDocument or one event)');
  const d = doc as Json;
  if (EVENT_TYPES.includes(d.type)) return [d];
  let list: unknown;
  if (d.type === 'EPCISDocument') list = d.epcisBody?.eventList;
  else if (d.type === 'EPCISQueryDocument') list = d.epcisBody?.queryResults?.resultsBody?.eventList;
  else
    throw new EpcisInputError(
      `not an EPCIS 2.0 document: type is ${JSON.stringify(d.type ?? null)}, not EPCISDocument, EPCISQueryDocument or an event type`,
    );
  if (!Array.isArray(list))
    throw new EpcisInputError(
      `${d.type} has no event list (epcisBody${d.type === 'EPCISDocument' ? '.eventList' : '.queryResults.resultsBody.eventList'})`,
    );
  return list.map((e, i) => {
    if (e === null || typeof e !== 'object' || Array.isArray(e)) throw new EpcisInputError(`event #${i} is not an object`);
    return e as Json;
  });
};

// ---- identifiers ----

export interface LotRef {
  code?: string;
  gtin?: string;
}

const decode = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
};

/** GTIN-14 of an SGTIN/LGTIN URN's company prefix and item reference (indicator digit first; TDS 2.1 §14.5.1). */
const gtinOfEpc = (companyPrefix: string, itemRef: string): string | undefined => {
  if (!/^\d+$/.test(companyPrefix + itemRef) || (companyPrefix + itemRef).length !== 13) return undefined;
  const body = itemRef[0] + companyPrefix + itemRef.slice(1);
  return body + gtinCheckDigit(body);
};

/** The lot (and GTIN) an EPC or EPC class identifier names, or undefined when it names none anxin reads. */
export const parseLotRef = (uri: string): LotRef | undefined => {
  const dl = /^https?:\/\/[^/?#]+(?:\/[^?#]*)?\/01\/(\d{8}|\d{12,14})((?:\/[0-9]{2,4}\/[^/?#]+)*)\/?(?:[?#].*)?$/.exec(uri);
  if (dl) {
    if (!gtinCheckDigitOk(dl[1])) return undefined;
    const lot = /\/10\/([^/?#]+)/.exec(dl[2]);
    return { gtin: gtin14(dl[1]), ...(lot && { code: decode(lot[1]) }) };
  }
  const lgtin = /^urn:epc:class:lgtin:(\d+)\.(\d+)\.(.+)$/.exec(uri);
  if (lgtin) {
    const gtin = gtinOfEpc(lgtin[1], lgtin[2]);
    return gtin ? { gtin, code: decode(lgtin[3]) } : undefined;
  }
  const sgtin = /^urn:epc:id:sgtin:(\d+)\.(\d+)\.(.+)$/.exec(uri);
  if (sgtin) {
    const gtin = gtinOfEpc(sgtin[1], sgtin[2]);
    return gtin ? { gtin } : undefined;
  }
  const anxin = /^urn:anxin:epcis:lot:[^:]*:([^:]+)$/.exec(uri);
  if (anxin) return { code: decode(anxin[1]) };
  return undefined;
};

/** The id in `urn:anxin:epcis:<kind>:<origin>:<id>`. */
const anxinId = (uri: unknown, kinds: string[]): string | undefined => {
  if (typeof uri !== 'string') return undefined;
  const m = /^urn:anxin:epcis:([a-z]+):[^:]*:([^:]+)$/.exec(uri);
  return m && kinds.includes(m[1]) ? decode(m[2]) : undefined;
};

const hash = (text: string): string => createHash('sha256').update(text).digest('base64url');

// ---- vocabulary ----

const CBV_DISP = /^(?:https:\/\/ref\.gs1\.org\/cbv\/Disp-|urn:epcglobal:cbv:disp:)?([a-z_]+)$/;
const dispositionName = (value: unknown): string | undefined => (typeof value === 'string' ? CBV_DISP.exec(value)?.[1] : undefined);

/** UN/ECE Rec 20 → anxin units; no uom is a count of instances (EPCIS 2.0 §7.3.3.3). */
const UNIT_OF_UOM: Record<string, string> = { KGM: 'kg', GRM: 'g', TNE: 't', LTR: 'L', H87: 'piece', C62: 'piece', BX: 'box' };

/** Celsius from a sensor value in CEL, FAH or KEL. */
const CELSIUS: Record<string, (v: number) => number> = {
  CEL: (v) => v,
  FAH: (v) => ((v - 32) * 5) / 9,
  KEL: (v) => v - 273.15,
};

/** An RFC 3339 time as anxin's UTC-with-milliseconds form; a bare date as midnight China Standard Time. */
const instant = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+08:00` : value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
};

/** `{ "anxin:a": { "anxin:b": 1 } }` → `{ a: { b: 1 } }`: the inverse of the export's `prefixed`. */
const unprefixed = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(unprefixed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.startsWith('anxin:') ? k.slice(6) : k, unprefixed(v)]));
};

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Unmappable: the reason travels up to the event's report line. */
class Skip extends Error {}
const skip = (reason: string): never => {
  throw new Skip(reason);
};

// ---- the mapping ----

interface LotQuantity {
  code: string;
  gtin?: string;
  amount: number;
  unit?: string;
  uom?: string;
}

/**
 * The lots an event's quantity list (and instance-level EPC list, one unit per
 * EPC) names, with their amounts; `lotNumber` is the ilmd lot of SGTINs.
 */
const quantitiesOf = (quantityList: unknown, epcList: unknown, lotNumber?: string): LotQuantity[] => {
  const out = new Map<string, LotQuantity>();
  for (const q of Array.isArray(quantityList) ? quantityList : []) {
    const ref = typeof q?.epcClass === 'string' ? parseLotRef(q.epcClass) : undefined;
    const code = ref?.code ?? lotNumber;
    if (!ref || code === undefined) skip(`no lot identifier in quantity element ${JSON.stringify(q?.epcClass ?? null)}`);
    if (typeof q.quantity !== 'number' || !(q.quantity >= 0)) skip(`missing quantity for ${q.epcClass}`);
    const uom = q.uom === undefined ? undefined : String(q.uom);
    const unit = uom !== undefined && Object.hasOwn(UNIT_OF_UOM, uom) ? UNIT_OF_UOM[uom] : undefined;
    if (uom !== undefined && unit === undefined) skip(`unit of measure ${uom} has no anxin unit (KGM, GRM, TNE, LTR, H87, BX)`);
    const prev = out.get(code!);
    if (prev && prev.uom !== uom) skip(`lot ${code} is given in two units`);
    out.set(code!, { code: code!, gtin: ref!.gtin, amount: round6((prev?.amount ?? 0) + q.quantity), ...(unit && { unit }), uom });
  }
  for (const epc of Array.isArray(epcList) ? epcList : []) {
    const ref = typeof epc === 'string' ? parseLotRef(epc) : undefined;
    const code = ref?.code ?? lotNumber;
    if (!ref || code === undefined) skip(`no lot identifier in EPC ${JSON.stringify(epc)}`);
    const prev = out.get(code!);
    if (prev && prev.uom !== undefined) skip(`lot ${code} is given both by weight and by count`);
    out.set(code!, { code: code!, gtin: ref!.gtin, amount: (prev?.amount ?? 0) + 1, unit: 'piece' });
  }
  if (out.size === 0) skip('no lot identifier (quantityList or epcList)');
  return [...out.values()];
};

const locationOf = (e: Json): string | undefined =>
  typeof e.bizLocation?.id === 'string' ? e.bizLocation.id : typeof e.readPoint?.id === 'string' ? e.readPoint.id : undefined;

const partyIn = (list: unknown, key: 'source' | 'destination', type: string): string | undefined => {
  const el = (Array.isArray(list) ? list : []).find((x) => typeof x?.type === 'string' && x.type.replace(/^.*[:-]/, '') === type);
  return typeof el?.[key] === 'string' ? el[key] : undefined;
};

const temperatures = (e: Json): Array<{ t: string; c: number }> => {
  const readings: Array<{ t: string; c: number }> = [];
  for (const element of Array.isArray(e.sensorElementList) ? e.sensorElementList : []) {
    for (const r of Array.isArray(element?.sensorReport) ? element.sensorReport : []) {
      if (typeof r?.type !== 'string' || r.type.replace(/^.*[:/-]/, '') !== 'Temperature') continue;
      const value = typeof r.value === 'number' ? r.value : r.meanValue;
      if (typeof value !== 'number' || !Number.isFinite(value)) skip('a temperature sensor report without a numeric value');
      const uom = typeof r.uom === 'string' ? r.uom : 'CEL';
      const convert = Object.hasOwn(CELSIUS, uom) ? CELSIUS[uom] : undefined;
      if (!convert) return skip(`temperature in unit ${r.uom} (CEL, FAH or KEL)`);
      const t = instant(r.time ?? element.sensorMetadata?.time ?? e.eventTime);
      if (!t) skip('a temperature sensor report without a time');
      readings.push({ t: t!, c: Math.round(convert(value) * 100) / 100 });
    }
  }
  return readings;
};

/** Map one EPCIS event; throws Skip with the reason when it cannot be. */
const mapEvent = (
  e: Json,
  options: ImportOptions,
  ctx: { source: string; push: (p: Omit<PlannedEvent, 'id' | 'source'>) => void; other: (party: string) => void },
): void => {
  const actorOf = (uri: string | undefined): string | undefined =>
    uri === undefined
      ? undefined
      : options.parties && Object.hasOwn(options.parties, uri) && typeof options.parties[uri] === 'string'
        ? options.parties[uri]
        : anxinId(uri, ['loc', 'party']);
  /** The event is the signer's unless it is located at another known actor. */
  const ownedBy = (uri: string | undefined): boolean => {
    const actor = actorOf(uri);
    if (actor !== undefined && actor !== options.signer) {
      ctx.other(actor);
      return false;
    }
    return true;
  };
  const ilmd: Json = e.ilmd && typeof e.ilmd === 'object' ? e.ilmd : {};
  const x = unprefixed(Object.fromEntries(Object.entries({ ...ilmd, ...e }).filter(([k]) => k.startsWith('anxin:')))) as Json;
  const lotNumber = typeof ilmd['cbvmda:lotNumber'] === 'string' ? ilmd['cbvmda:lotNumber'] : undefined;

  const shipmentId = (code: string): string => {
    const list: Json[] = Array.isArray(e.bizTransactionList) ? e.bizTransactionList : [];
    const own = list.map((b) => anxinId(b?.bizTransaction, ['shipment'])).find((s) => s !== undefined);
    if (own !== undefined) return own;
    const bt = list.find((b) => typeof b?.type === 'string' && /desadv|bol|inv/.test(b.type)) ?? list[0];
    if (typeof bt?.bizTransaction !== 'string') return skip('no shipment identifier (bizTransactionList)');
    // A foreign business transaction may cover several lots; anxin shipments carry one.
    return `bt-${hash(`${bt.bizTransaction}\n${code}`).slice(0, 32)}`;
  };
  const productOf = (gtin: string | undefined, given: any) => {
    if (given && typeof given === 'object') return given;
    if (!gtin) return skip('no product: neither anxin:product nor a GTIN');
    const name = typeof ilmd['gs1:productName'] === 'string' ? ilmd['gs1:productName'] : `GTIN ${gtin}`;
    return { name, gtin, category: 'food' };
  };
  const storageOf = (given: unknown): StorageClass => {
    if (typeof given === 'string' && (STORAGE_CLASSES as readonly string[]).includes(given)) return given as StorageClass;
    return options.storage ?? skip('no storage class: give anxin:storage in ilmd, or --storage');
  };
  const readingsEvents = (target: { shipment: string } | { code: string }) => {
    const readings = temperatures(e);
    for (let i = 0; i < readings.length; i += MAX_READINGS)
      ctx.push({ type: 'lot.temperature', body: { ...target, readings: readings.slice(i, i + MAX_READINGS) } });
  };

  if (e.type === 'TransformationEvent') {
    if (!ownedBy(locationOf(e))) return;
    const inputs = quantitiesOf(e.inputQuantityList, e.inputEPCList).map((q) => ({ code: q.code, amount: q.amount }));
    const given: Json[] = Array.isArray(x.outputs) ? x.outputs : [];
    const outputs = quantitiesOf(e.outputQuantityList, e.outputEPCList, lotNumber).map((q) => {
      const o = given.find((g) => g?.code === q.code) ?? {};
      const expiresAt = o.expiresAt ?? instant(ilmd['cbvmda:itemExpirationDate']);
      return {
        code: q.code,
        product: productOf(q.gtin, o.product ?? x.product),
        quantity: { amount: q.amount, unit: q.unit ?? 'piece' },
        storage: storageOf(o.storage ?? x.storage),
        ...(expiresAt !== undefined && { expiresAt }),
      };
    });
    ctx.push({ type: 'lot.transform', body: { inputs, outputs } });
    return;
  }
  if (e.type !== 'ObjectEvent')
    skip(`${e.type ?? 'an event without a type'} has no anxin equivalent (ObjectEvent and TransformationEvent are imported)`);

  const step = typeof e.bizStep === 'string' ? bizStepName(e.bizStep) : undefined;
  const disposition = dispositionName(e.disposition);
  const lots = () => quantitiesOf(e.quantityList, e.epcList, lotNumber);
  const sensors = Array.isArray(e.sensorElementList) && e.sensorElementList.length > 0;

  switch (step) {
    case 'commissioning': {
      if (e.action !== 'ADD') skip(`commissioning with action ${e.action} (ADD creates lots)`);
      const location = locationOf(e);
      if (!ownedBy(location)) return;
      for (const q of lots()) {
        const o = x.origin ?? {
          place:
            typeof ilmd['cbvmda:countryOfOrigin'] === 'string'
              ? ilmd['cbvmda:countryOfOrigin']
              : (location ?? skip('no origin: anxin:origin, cbvmda:countryOfOrigin or a location')),
        };
        const harvestedAt = instant(ilmd['cbvmda:harvestStartDate']);
        const expiresAt = x.expiresAt ?? instant(ilmd['cbvmda:itemExpirationDate']);
        ctx.push({
          type: 'lot.create',
          body: {
            code: q.code,
            product: productOf(q.gtin, x.product),
            quantity: { amount: q.amount, unit: q.unit ?? 'piece' },
            storage: storageOf(x.storage),
            origin: o,
            ...(harvestedAt && { harvestedAt }),
            ...(expiresAt && { expiresAt }),
          },
        });
      }
      if (sensors) for (const q of lots()) readingsEvents({ code: q.code });
      return;
    }
    case 'shipping': {
      if (!ownedBy(partyIn(e.sourceList, 'source', 'possessing_party') ?? partyIn(e.sourceList, 'source', 'owning_party') ?? locationOf(e)))
        return;
      const dest =
        partyIn(e.destinationList, 'destination', 'possessing_party') ??
        partyIn(e.destinationList, 'destination', 'owning_party') ??
        partyIn(e.destinationList, 'destination', 'location');
      const to =
        actorOf(dest) ??
        skip(
          dest === undefined
            ? 'shipping without a destination (destinationList)'
            : `destination ${dest} is not a known actor (an anxin URN or one given with --parties)`,
        );
      const carrier = actorOf(typeof x.carrier === 'string' ? x.carrier : undefined);
      for (const q of lots()) {
        const shipment = shipmentId(q.code);
        ctx.push({ type: 'lot.ship', body: { shipment, code: q.code, amount: q.amount, to, ...(carrier && { carrier }) } });
        if (sensors) readingsEvents({ shipment });
      }
      return;
    }
    case 'receiving': {
      if (
        !ownedBy(
          partyIn(e.destinationList, 'destination', 'possessing_party') ??
            partyIn(e.destinationList, 'destination', 'owning_party') ??
            locationOf(e),
        )
      )
        return;
      for (const q of lots()) {
        const shipment = shipmentId(q.code);
        ctx.push({ type: 'lot.receive', body: { shipment, amount: q.amount } });
        if (sensors) readingsEvents({ shipment });
      }
      return;
    }
    case 'inspecting': {
      if (!ownedBy(locationOf(e))) return;
      const result =
        x.result ??
        (disposition === 'conformant'
          ? 'pass'
          : disposition === 'non_conformant'
            ? 'fail'
            : skip('inspecting without a result (disposition conformant or non_conformant)'));
      const tests = x.tests ?? [{ name: `EPCIS inspecting (${disposition})`, pass: result === 'pass' }];
      for (const q of lots())
        ctx.push({ type: 'lot.inspect', body: { code: q.code, result, tests, ...(x.report !== undefined && { report: x.report }) } });
      return;
    }
    case 'retail_selling': {
      if (!ownedBy(locationOf(e))) return;
      for (const q of lots()) ctx.push({ type: 'lot.sell', body: { code: q.code, amount: q.amount } });
      return;
    }
    case 'destroying':
    case 'disposing': {
      if (!ownedBy(locationOf(e))) return;
      const reason = typeof x.reason === 'string' ? x.reason : `EPCIS ${step}`;
      for (const q of lots()) ctx.push({ type: 'lot.dispose', body: { code: q.code, amount: q.amount, reason } });
      return;
    }
    case 'holding': {
      if (disposition !== 'recalled') break;
      const r = x.recall ?? skip('a recall without a level (anxin:recall): anxin recalls are level 1, 2 or 3');
      if (!ownedBy(locationOf(e))) return;
      ctx.push({ type: 'lot.recall', body: { code: r.lot, level: r.level, reason: r.reason } });
      return;
    }
    case 'sensor_reporting':
    case undefined: {
      if (!sensors) break;
      if (!ownedBy(locationOf(e))) return;
      const bt = Array.isArray(e.bizTransactionList) && e.bizTransactionList.length > 0;
      for (const q of lots()) readingsEvents(bt ? { shipment: shipmentId(q.code) } : { code: q.code });
      return;
    }
  }
  skip(
    step === undefined ? (e.bizStep === undefined ? 'no bizStep' : `unknown bizStep ${e.bizStep}`) : `bizStep ${step} has no anxin event`,
  );
};

/**
 * The anxin events an EPCIS document states for `options.signer`, in document
 * order, and the events that are not imported: unmapped (with the reason) or
 * another party's. Every planned body passes its event type's schema.
 */
export const planImport = (doc: unknown, options: ImportOptions): ImportPlan => {
  const plan: ImportPlan = { events: [], unmapped: [], otherParties: [] };
  epcisEventsOf(doc).forEach((e, n) => {
    const source = typeof e.eventID === 'string' && e.eventID ? e.eventID : `#${n}`;
    const key = typeof e.eventID === 'string' && e.eventID ? e.eventID : `sha256:${hash(canonicalize(e))}`;
    const bizStep = typeof e.bizStep === 'string' ? e.bizStep : undefined;
    const mapped: PlannedEvent[] = [];
    try {
      mapEvent(e, options, {
        source,
        push: (p) => {
          const parsed = TRACE_EVENT_BODIES[p.type].safeParse(p.body);
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            skip(`its ${p.type} would be invalid: ${issue.path.join('.') || 'body'} ${issue.message}`);
          }
          // Stable across imports: the same document yields the same ids, so a re-import adds nothing.
          const id = `epcis-${hash(`anxin/epcis-import/v1\n${key}\n${mapped.length}`).slice(0, 32)}`;
          mapped.push({ id, type: p.type, body: p.body, source });
        },
        other: (party) => plan.otherParties.push({ source, ...(bizStep && { bizStep }), party }),
      });
      plan.events.push(...mapped);
    } catch (err) {
      if (!(err instanceof Skip)) throw err;
      plan.unmapped.push({
        source,
        eventType: typeof e.type === 'string' ? e.type : '(none)',
        ...(bizStep && { bizStep }),
        reason: err.message,
      });
    }
  });
  return plan;
};
