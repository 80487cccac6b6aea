/** The ledger's own reads (SPEC §8): trust anchor, checkpoint, proofs, entries. */
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from './plugin-http.js';
import { ApiError } from '../errors.js';
import { allow } from './auth.js';
import { parseInput, queryInt } from './params.js';

export const MAX_PAGE = 1000;

export const ledgerRoutes = (services: Services): Router => {
  const { ledger } = services;
  const r = Router();
  const { signed } = services;

  r.get('/ledger', (_req, res) => {
    res.json({ origin: ledger.origin, operatorKey: ledger.operatorKey });
  });

  r.get('/checkpoint', (_req, res) => {
    res.json(ledger.checkpoint);
  });

  r.get('/proofs/consistency', async (req, res) => {
    const { from, to } = parseInput(z.object({ from: queryInt, to: queryInt }), req.query, 'query');
    const size = ledger.size;
    if (from > to || to > size)
      throw new ApiError('not_found', `need 0 ≤ from ≤ to ≤ ${size} (the ledger size); got from=${from}, to=${to}`);
    res.json({ from, to, proof: await ledger.proveConsistency(from, to) });
  });

  r.get('/entries', signed, (req, res) => {
    allow(res, ['regulator', 'auditor']);
    const q = parseInput(z.object({ from: queryInt.optional(), limit: queryInt.optional() }), req.query, 'query');
    const from = q.from ?? 0;
    const limit = Math.min(Math.max(q.limit ?? 100, 1), MAX_PAGE);
    const end = Math.min(ledger.size, from + limit);
    const entries = [];
    for (let i = from; i < end; i++) entries.push(ledger.entry(i)!);
    res.json({ entries, next: end < ledger.size ? `/v1/entries?from=${end}&limit=${limit}` : null });
  });

  r.get('/entries/:index', signed, async (req, res) => {
    const { index } = parseInput(z.object({ index: queryInt }), req.params, 'path');
    const q = parseInput(z.object({ size: queryInt.optional() }), req.query, 'query');
    const entry = ledger.entry(index);
    if (!entry) throw new ApiError('not_found', `no entry ${index}; the ledger has ${ledger.size}`);
    allow(res, ['regulator', 'auditor'], (p) => p.id === entry.event.actor);
    const size = q.size ?? ledger.checkpoint.size;
    const checkpoint = size > index ? ledger.checkpointAt(size) : undefined;
    if (!checkpoint) throw new ApiError('not_found', `no signed checkpoint at size ${size} covering entry ${index}`);
    res.json({ entry, proof: { size, path: await ledger.proveInclusion(index, size) }, checkpoint });
  });

  return r;
};
