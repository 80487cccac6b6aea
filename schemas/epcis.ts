/** The EPCIS 2.0 query interface (SPEC §15; docs/EXPORTS.md). */
import { z } from 'zod';
import type { RouteDoc } from './routes.js';

export const epcisQueryDocument = z
  .object({
    '@context': z.array(z.unknown()),
    type: z.literal('EPCISQueryDocument'),
    schemaVersion: z.literal('2.0'),
    creationDate: z.string(),
    epcisBody: z.object({
      queryResults: z.object({
        queryName: z.literal('SimpleEventQuery'),
        resultsBody: z.object({ eventList: z.array(z.record(z.string(), z.unknown())) }),
      }),
    }),
  })
  .meta({ id: 'EPCISQueryDocument' });

export const epcisDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/epcis/events',
    tag: 'regulator',
    summary: 'EPCIS 2.0 event query (REST binding): the ledger’s lot events as EPCIS events, filtered and paged',
    description:
      'Regulators and auditors (RFC 9421). Events of the export mapping (docs/EXPORTS.md) in ledger order, each with ' +
      '`anxin:ledgerIndex` and `anxin:leaf`. The next page, if any, is in the `Link: <…>; rel="next"` header.',
    auth: 'signed',
    query: z.object({
      EQ_bizStep: z.string().optional().meta({ description: 'CBV business steps, comma-separated (bare, URN or URI form)' }),
      MATCH_anyEPC: z
        .string()
        .optional()
        .meta({ description: 'lot identifiers (GS1 Digital Link LGTIN or anxin lot URN), comma-separated' }),
      MATCH_anyEPCClass: z.string().optional().meta({ description: 'the same, for class-level identifiers' }),
      GE_eventTime: z.string().optional().meta({ description: 'RFC 3339: events at or after' }),
      LT_eventTime: z.string().optional().meta({ description: 'RFC 3339: events before' }),
      perPage: z.string().optional().meta({ description: '1 to 1000, default 30' }),
      nextPageToken: z.string().optional().meta({ description: 'from the previous page’s Link header' }),
    }),
    responses: {
      200: {
        description: 'An EPCISQueryDocument',
        schema: epcisQueryDocument,
        contentType: 'application/ld+json',
        headers: { Link: 'the next page, rel="next"' },
      },
    },
    errors: ['unauthenticated', 'forbidden', 'invalid_request'],
  },
];
