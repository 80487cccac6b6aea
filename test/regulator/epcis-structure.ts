/**
 * A structural validator for the EPCIS 2.0 JSON-LD documents the service
 * exports, without network access: the document and event shapes of the GS1
 * EPCIS 2.0 JSON schema (github.com/gs1/EPCIS JSON-Schema/schemas: event
 * definitions, ObjectEvent, TransformationEvent), the CBV 2.0 bizStep and
 * disposition vocabularies, constrained GS1 Digital Link URIs for LGTINs, and the
 * JSON-LD rule that matters for extensions: every key outside the EPCIS terms
 * is a compact IRI whose prefix a context defines (else expansion drops it).
 * Returns the problems found, each with its JSON path; [] means valid.
 */
export const EPCIS_CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { anxin: 'urn:anxin:epcis:' }];

const BIZ_STEPS = new Set(
  'accepting arriving assembling collecting commissioning consigning creating_class_instance cycle_counting decommissioning departing destroying disassembling dispensing encoding entering_exiting holding inspecting installing killing loading other packing picking receiving removing repackaging repairing replacing reserving retail_selling sampling sensor_reporting shipping staging_outbound stock_taking stocking storing transporting unloading unpacking void_shipping'.split(
    ' ',
  ),
);
const DISPOSITIONS = new Set(
  'active available completeness_inferred completeness_verified conformant container_closed container_open damaged destroyed dispensed disposed encoded expired in_progress in_transit inactive mismatch_instance mismatch_class mismatch_quantity needs_replacement no_pedigree_match non_conformant non_sellable_other partially_dispensed recalled reserved retail_sold returned sellable_accessible sellable_not_accessible stolen unavailable unknown'.split(
    ' ',
  ),
);
const SOURCE_DEST_TYPES = new Set(['owning_party', 'possessing_party', 'location']);
const EVENT_TERMS = new Set(
  'type eventTime recordTime eventTimeZoneOffset eventID errorDeclaration certificationInfo epcList quantityList action bizStep disposition persistentDisposition readPoint bizLocation bizTransactionList sourceList destinationList sensorElementList ilmd inputEPCList inputQuantityList outputEPCList outputQuantityList transformationID'.split(
    ' ',
  ),
);
const DOCUMENT_TERMS = new Set([
  '@context',
  'type',
  'schemaVersion',
  'creationDate',
  'epcisBody',
  'id',
  'sender',
  'receiver',
  'instanceIdentifier',
]);
/** Prefixes the EPCIS 2.0 context defines that exports use, plus the document's own. */
const PREFIXES = new Set(['anxin', 'cbvmda', 'gs1']);

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const OFFSET = /^[+-]((0\d|1[0-3]):[0-5]\d|14:00)$/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/;
const UOM = /^[A-Z0-9]{2,3}$/;
const DIGITAL_LINK_LGTIN = /^https:\/\/id\.gs1\.org\/01\/(\d{14})\/10\/([^/?#]+)$/;

export const gtinValid = (gtin: string): boolean => {
  const d = [...gtin].map(Number);
  const check = d.pop()!;
  const sum = d.reverse().reduce((s, x, i) => s + x * (i % 2 ? 1 : 3), 0);
  return (10 - (sum % 10)) % 10 === check;
};

type Problems = string[];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A key outside the vocabulary must be a compact IRI with a known prefix; its value's keys likewise, all the way down. */
const checkExtension = (key: string, value: unknown, path: string, p: Problems): void => {
  const [prefix, local] = key.split(':');
  if (!local || !PREFIXES.has(prefix))
    return void p.push(`${path}: "${key}" is neither an EPCIS term nor a compact IRI with a known prefix`);
  const walk = (v: unknown, at: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) checkExtension(k, x, `${at}.${k}`, p);
  };
  walk(value, path);
};

const checkUri = (v: unknown, path: string, p: Problems): void => {
  if (typeof v !== 'string' || !URI.test(v)) p.push(`${path}: ${JSON.stringify(v)} is not a URI`);
};

/** An LGTIN is a constrained GS1 Digital Link URI (GTIN-14 with its check digit, lot ≤ 20 chars), or another URI scheme. */
const checkEpcClass = (v: unknown, path: string, p: Problems): void => {
  checkUri(v, path, p);
  if (typeof v !== 'string' || !v.startsWith('https://id.gs1.org/')) return;
  const m = DIGITAL_LINK_LGTIN.exec(v);
  if (!m) return void p.push(`${path}: ${v} is not a constrained Digital Link LGTIN`);
  if (!gtinValid(m[1])) p.push(`${path}: GTIN ${m[1]} has a wrong check digit`);
  if (decodeURIComponent(m[2]).length > 20) p.push(`${path}: lot ${m[2]} is longer than AI (10) allows`);
};

const checkQuantityList = (list: unknown, path: string, p: Problems): void => {
  if (!Array.isArray(list)) return void p.push(`${path}: not an array`);
  list.forEach((q, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(q)) return void p.push(`${at}: not an object`);
    checkEpcClass(q.epcClass, `${at}.epcClass`, p);
    if (typeof q.quantity !== 'number') p.push(`${at}.quantity: not a number`);
    if (q.uom === undefined && !Number.isInteger(q.quantity)) p.push(`${at}: a count without uom must be whole`);
    if (q.uom !== undefined && (typeof q.uom !== 'string' || !UOM.test(q.uom))) p.push(`${at}.uom: ${q.uom} is not a Rec 20 code`);
    for (const k of Object.keys(q)) if (!['epcClass', 'quantity', 'uom'].includes(k)) p.push(`${at}: unexpected "${k}"`);
  });
};

const checkLocation = (v: unknown, path: string, p: Problems): void => {
  if (!isObject(v) || Object.keys(v).join() !== 'id') return void p.push(`${path}: must be { id }`);
  checkUri(v.id, `${path}.id`, p);
};

const checkEvent = (e: unknown, path: string, p: Problems): void => {
  if (!isObject(e)) return void p.push(`${path}: not an object`);
  if (e.type !== 'ObjectEvent' && e.type !== 'TransformationEvent') p.push(`${path}.type: ${e.type} is not an event type the export uses`);
  if (typeof e.eventTime !== 'string' || !DATE_TIME.test(e.eventTime)) p.push(`${path}.eventTime: not a date-time`);
  if (e.recordTime !== undefined && (typeof e.recordTime !== 'string' || !DATE_TIME.test(e.recordTime)))
    p.push(`${path}.recordTime: not a date-time`);
  if (typeof e.eventTimeZoneOffset !== 'string' || !OFFSET.test(e.eventTimeZoneOffset)) p.push(`${path}.eventTimeZoneOffset: not ±hh:mm`);
  if (e.eventID !== undefined) checkUri(e.eventID, `${path}.eventID`, p);
  if (
    e.bizStep !== undefined &&
    (typeof e.bizStep !== 'string' || !(BIZ_STEPS.has(e.bizStep) || (URI.test(e.bizStep) && !e.bizStep.includes('cbv'))))
  )
    p.push(`${path}.bizStep: ${e.bizStep} is not a CBV business step`);
  if (e.disposition !== undefined && (typeof e.disposition !== 'string' || !DISPOSITIONS.has(e.disposition)))
    p.push(`${path}.disposition: ${e.disposition} is not a CBV disposition`);
  for (const k of ['readPoint', 'bizLocation'] as const) if (e[k] !== undefined) checkLocation(e[k], `${path}.${k}`, p);
  for (const [list, field] of [
    ['sourceList', 'source'],
    ['destinationList', 'destination'],
  ] as const)
    if (e[list] !== undefined)
      (e[list] as unknown[]).forEach((s, i) => {
        if (!isObject(s) || !SOURCE_DEST_TYPES.has(String(s.type))) p.push(`${path}.${list}[${i}].type: not a CBV source/destination type`);
        else checkUri(s[field], `${path}.${list}[${i}].${field}`, p);
      });
  if (e.bizTransactionList !== undefined)
    (e.bizTransactionList as unknown[]).forEach((b, i) =>
      checkUri(isObject(b) ? b.bizTransaction : b, `${path}.bizTransactionList[${i}].bizTransaction`, p),
    );
  if (e.sensorElementList !== undefined)
    (e.sensorElementList as unknown[]).forEach((s, i) => {
      const reports = isObject(s) ? s.sensorReport : undefined;
      if (!Array.isArray(reports) || reports.length === 0)
        return void p.push(`${path}.sensorElementList[${i}].sensorReport: needs ≥ 1 report`);
      reports.forEach((r, j) => {
        if (!isObject(r) || typeof r.type !== 'string') p.push(`${path}.sensorElementList[${i}].sensorReport[${j}].type: required`);
        else if (r.time !== undefined && !DATE_TIME.test(String(r.time)))
          p.push(`${path}.sensorElementList[${i}].sensorReport[${j}].time: not a date-time`);
      });
    });
  if (e.type === 'ObjectEvent') {
    if (!['ADD', 'OBSERVE', 'DELETE'].includes(String(e.action))) p.push(`${path}.action: ${e.action} is not ADD, OBSERVE or DELETE`);
    if (e.quantityList !== undefined) checkQuantityList(e.quantityList, `${path}.quantityList`, p);
    const what = (Array.isArray(e.epcList) ? 1 : 0) + (Array.isArray(e.quantityList) && e.quantityList.length ? 1 : 0);
    if (!what && !(e.sensorElementList && e.readPoint))
      p.push(`${path}: an ObjectEvent needs epcList, a quantityList or sensor data with a readPoint`);
    if (e.ilmd !== undefined && e.action !== 'ADD') p.push(`${path}.ilmd: only an ADD event carries ILMD`);
  } else if (e.type === 'TransformationEvent') {
    if (e.action !== undefined) p.push(`${path}.action: a TransformationEvent has no action`);
    for (const k of ['inputQuantityList', 'outputQuantityList'] as const)
      if (e[k] !== undefined) checkQuantityList(e[k], `${path}.${k}`, p);
    if (!(e.inputQuantityList as unknown[])?.length && !(e.outputQuantityList as unknown[])?.length)
      p.push(`${path}: a TransformationEvent needs inputs or outputs`);
  }
  if (e.ilmd !== undefined) {
    if (!isObject(e.ilmd)) p.push(`${path}.ilmd: not an object`);
    else for (const [k, v] of Object.entries(e.ilmd)) checkExtension(k, v, `${path}.ilmd.${k}`, p);
  }
  for (const [k, v] of Object.entries(e)) if (!EVENT_TERMS.has(k)) checkExtension(k, v, `${path}.${k}`, p);
};

/** The problems of `doc` as an EPCIS 2.0 JSON-LD EPCISDocument with anxin's context; [] when none. */
export const epcisProblems = (doc: unknown): string[] => {
  const p: Problems = [];
  if (!isObject(doc)) return ['the document is not a JSON object'];
  if (JSON.stringify(doc['@context']) !== JSON.stringify(EPCIS_CONTEXT)) p.push('@context: not the EPCIS 2.0 context with anxin');
  if (doc.type !== 'EPCISDocument') p.push('type: not EPCISDocument');
  if (doc.schemaVersion !== '2.0') p.push('schemaVersion: not "2.0"');
  if (typeof doc.creationDate !== 'string' || !DATE_TIME.test(doc.creationDate)) p.push('creationDate: not a date-time');
  for (const [k, v] of Object.entries(doc)) if (!DOCUMENT_TERMS.has(k)) checkExtension(k, v, k, p);
  const body = doc.epcisBody;
  if (!isObject(body) || !Array.isArray(body.eventList)) return [...p, 'epcisBody.eventList: missing'];
  body.eventList.forEach((e, i) => checkEvent(e, `eventList[${i}]`, p));
  return p;
};
