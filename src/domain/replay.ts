/**
 * The verifier's replay hook for the domain (SPEC §9): every entry is re-admitted
 * with the same parse/admit functions the service uses, against state rebuilt
 * from the log, so an entry that breaks a permission or rule is reported at its
 * index even when every hash and signature around it is valid.
 */
import type { ReplayHook } from '../../ledger/index.js';
import { GENESIS_TYPE } from '../../ledger/index.js';
import { isApiError } from '../errors.js';
import { admitEvent, parseEvent } from './admission.js';
import type { Catalogue } from './catalogue.js';
import { MemoryState } from './memory-state.js';

export interface DomainReplay extends ReplayHook {
  readonly state: MemoryState;
}

export interface ReplayOptions {
  maxSkewS: number;
  /**
   * Also keep the query indexes and views (DomainPlugin.indexes: the anomaly engine, the EPCIS
   * index), so the state is the service's key for key. Default false: no rule reads them.
   */
  indexes?: boolean;
}

export const domainReplay = (catalogue: Catalogue, options: ReplayOptions): DomainReplay => {
  const state = new MemoryState();
  return {
    state,
    replay(entry, ctx) {
      const tx = state.begin();
      if (entry.index === 0) {
        if (entry.event?.type !== GENESIS_TYPE) return undefined; // the engine reports it
        for (const [k, v] of Object.entries(catalogue.genesisState(entry))) tx.put(k, v);
        tx.commit();
        return undefined;
      }
      try {
        const parsed = parseEvent(catalogue, entry.event, ctx.message);
        const subjects = admitEvent(catalogue, tx, parsed, {
          index: entry.index,
          at: entry.at,
          maxSkewS: options.maxSkewS,
          indexes: options.indexes ?? false,
          requireSignature: (publicKey, signature, code, detail) => ctx.requireSignature(publicKey, signature, { code, detail }),
        });
        tx.commit();
        for (const s of subjects) ctx.concern(s);
        return undefined;
      } catch (e) {
        if (isApiError(e)) return { code: e.code, detail: e.detail };
        return { code: 'internal', detail: `replay failed: ${(e as Error).message}` };
      }
    },
  };
};
