/** The ledger's own reads (SPEC §8): trust anchor, checkpoint, proofs, entries. */
import { z } from 'zod';
import { canonicalEntry, formatProof, fromHex, utf8 } from '../../ledger/index.js';
import type { TlogService } from '../tlog/service.js';
import type { Services } from './plugin-http.js';
import { ApiError } from '../errors.js';
import { allow } from './auth.js';
import { parseInput, queryInt } from './params.js';
import { json, type Route } from './route.js';

export const MAX_PAGE = 1000;

export const ledgerRoutes = (services: Services, tlog: TlogService): Route[] => {
  const { ledger } = services;
  return [
    {
      method: 'GET',
      path: '/v1/ledger',
      auth: 'none',
      handle: () => json({ origin: ledger.origin, operatorKey: ledger.operatorKey, vkey: tlog.vkey }),
    },
    {
      method: 'GET',
      path: '/v1/checkpoint',
      auth: 'none',
      handle: () => json({ ...ledger.checkpoint, cosigned: tlog.cosigned() }),
    },
    {
      method: 'GET',
      path: '/v1/proofs/consistency',
      auth: 'none',
      handle: async (req) => {
        const { from, to } = parseInput(z.object({ from: queryInt, to: queryInt }), req.query, 'query');
        const size = ledger.size;
        if (from > to || to > size)
          throw new ApiError('not_found', `need 0 ≤ from ≤ to ≤ ${size} (the ledger size); got from=${from}, to=${to}`);
        return json({ from, to, proof: await ledger.proveConsistency(from, to) });
      },
    },
    {
      method: 'GET',
      path: '/v1/entries',
      auth: 'required',
      rate: 'expensive',
      handle: (req) => {
        allow(req.principal, ['regulator', 'auditor']);
        const q = parseInput(z.object({ from: queryInt.optional(), limit: queryInt.optional() }), req.query, 'query');
        const from = q.from ?? 0;
        const limit = Math.min(Math.max(q.limit ?? 100, 1), MAX_PAGE);
        const end = Math.min(ledger.size, from + limit);
        const entries = [];
        for (let i = from; i < end; i++) entries.push(ledger.entry(i)!);
        return json({ entries, next: end < ledger.size ? `/v1/entries?from=${end}&limit=${limit}` : null });
      },
    },
    {
      method: 'GET',
      path: '/v1/entries/{index}',
      auth: 'required',
      handle: async (req) => {
        const { index } = parseInput(z.object({ index: queryInt }), req.params, 'path');
        const q = parseInput(z.object({ size: queryInt.optional() }), req.query, 'query');
        const entry = ledger.entry(index);
        if (!entry) throw new ApiError('not_found', `no entry ${index}; the ledger has ${ledger.size}`);
        allow(req.principal, ['regulator', 'auditor'], (p) => p.id === entry.event.actor);
        const size = q.size ?? ledger.checkpoint.size;
        const checkpoint = size > index ? ledger.checkpointAt(size) : undefined;
        if (!checkpoint) throw new ApiError('not_found', `no signed checkpoint at size ${size} covering entry ${index}`);
        return json({ entry, proof: { size, path: await ledger.proveInclusion(index, size) }, checkpoint });
      },
    },
    {
      // SPEC §12: a C2SP tlog-proof of the entry against the newest cosigned checkpoint (the newest signed
      // one without a witness policy), the canonical entry in its extra line. Same access as the entry.
      method: 'GET',
      path: '/v1/entries/{index}/proof',
      auth: 'required',
      handle: async (req) => {
        const { index } = parseInput(z.object({ index: queryInt }), req.params, 'path');
        const entry = ledger.entry(index);
        if (!entry) throw new ApiError('not_found', `no entry ${index}; the ledger has ${ledger.size}`);
        allow(req.principal, ['regulator', 'auditor'], (p) => p.id === entry.event.actor);
        const cp = tlog.witnessing ? tlog.cosigned() : { size: ledger.checkpoint.size, note: ledger.checkpoint.note };
        if (!cp || cp.size <= index)
          throw new ApiError('not_found', `entry ${index} is not yet covered by a checkpoint that meets the witness quorum; retry shortly`);
        const path = (await ledger.proveInclusion(index, cp.size)).map((h) => fromHex(h)!);
        const extra = utf8(canonicalEntry(entry.index, entry.at, entry.event));
        return {
          status: 200,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          body: formatProof({ extra, index, path, checkpoint: cp.note }),
        };
      },
    },
  ];
};
