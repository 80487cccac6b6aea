/**
 * GET /v1/regulator/export/fsma and /epcis (SPEC §8): a lot's lineage as the
 * FSMA 204 sortable spreadsheet (CSV) or as an EPCIS 2.0 JSON-LD document, for
 * regulators and auditors. `code` is required (400 invalid_request); a code that
 * names no lot is 404 lot_not_found. Both are built from state and the entries
 * it names in one synchronous stretch (exports/lineage.ts), so a document is of
 * one moment, and every entry in it is covered by the latest checkpoint.
 */
import { z } from 'zod';
import { ID_PATTERN } from '../../../schemas/common.js';
import type { Services } from '../../http/plugin-http.js';
import { ApiError } from '../../errors.js';
import { allow } from '../../http/auth.js';
import { parseInput } from '../../http/params.js';
import type { HttpRequest, Route } from '../../http/route.js';
import { epcisDocument } from './epcis.js';
import { fsmaCsv, fsmaRows } from './fsma.js';
import { collectLineage, type Lineage } from './lineage.js';

export const exportQuery = z.object({ code: z.string().min(1, 'give the trace code of a lot') });

export const exportRoutes = (services: Services): Route[] => {
  const { ledger } = services;

  const lineageOf = (req: HttpRequest): Lineage => {
    const { code } = parseInput(exportQuery, req.query, 'query');
    const lineage = ID_PATTERN.test(code) ? collectLineage(ledger, code) : undefined;
    if (!lineage) throw new ApiError('lot_not_found', `no lot with trace code ${code.slice(0, 80)}`);
    return lineage;
  };

  return [
    {
      method: 'GET',
      path: '/v1/regulator/export/fsma',
      auth: 'required',
      rate: 'expensive',
      handle: (req) => {
        allow(req.principal, ['regulator', 'auditor']);
        const lineage = lineageOf(req);
        return {
          status: 200,
          headers: {
            'content-type': 'text/csv; charset=utf-8; header=present',
            'content-disposition': `attachment; filename="fsma204-${lineage.lot.code}.csv"`,
          },
          body: fsmaCsv(fsmaRows(ledger, lineage)),
        };
      },
    },
    {
      method: 'GET',
      path: '/v1/regulator/export/epcis',
      auth: 'required',
      rate: 'expensive',
      handle: (req) => {
        allow(req.principal, ['regulator', 'auditor']);
        const lineage = lineageOf(req);
        const doc = epcisDocument(ledger, lineage, { origin: ledger.origin, now: services.now(), checkpoint: ledger.checkpoint });
        return {
          status: 200,
          headers: {
            'content-type': 'application/ld+json; charset=utf-8',
            'content-disposition': `attachment; filename="epcis-${lineage.lot.code}.jsonld"`,
          },
          body: JSON.stringify(doc),
        };
      },
    },
  ];
};
