/**
 * Lineage reads over the edges kept at append time: each lot's direct inputs
 * (LotRecord.inputs) and ancestors, and each lot's direct-output list. Nothing
 * here scans the log; costs are proportional to the lineage walked.
 */
import type { StateView } from '../../ledger/index.js';
import { getLot, lotOutputs, type LotRecord } from './state.js';

type Reader = Pick<StateView, 'get'>;

export interface LineageNode {
  code: string;
  inputs: LineageNode[];
}

/**
 * The ancestor tree of a lot, as SPEC §8 `lineage.inputs`. A lot reached twice
 * (a diamond in the lineage) is expanded at its first occurrence in depth-first
 * order only, so a crafted lineage cannot make the tree exponentially large.
 */
export const inputTree = (state: Reader, lot: LotRecord): LineageNode[] => {
  const expanded = new Set<string>([lot.code]);
  const walk = (rec: LotRecord): LineageNode[] =>
    rec.inputs.map(({ code }) => {
      if (expanded.has(code)) return { code, inputs: [] };
      expanded.add(code);
      const input = getLot(state, code);
      return { code, inputs: input ? walk(input) : [] };
    });
  return walk(lot);
};

/** Every lot made from `lot`, transitively, breadth first with its shortest distance (1 = made directly from it). */
export const descendants = (state: Reader, lot: LotRecord): Array<{ lot: LotRecord; depth: number }> => {
  const seen = new Set<string>([lot.code]);
  const out: Array<{ lot: LotRecord; depth: number }> = [];
  let frontier: LotRecord[] = [lot];
  for (let depth = 1; frontier.length; depth++) {
    const next: LotRecord[] = [];
    for (const rec of frontier)
      for (const code of lotOutputs(state, rec)) {
        if (seen.has(code)) continue;
        seen.add(code);
        const child = getLot(state, code);
        if (!child) continue;
        out.push({ lot: child, depth });
        next.push(child);
      }
    frontier = next;
  }
  return out;
};

/** The union of the inputs and their ancestries, each once, the inputs first (used when a transform makes a lot). */
export const ancestryOf = (inputs: readonly LotRecord[]): string[] => {
  const out = new Set<string>();
  for (const i of inputs) out.add(i.code);
  for (const i of inputs) for (const a of i.ancestors) out.add(a);
  return [...out];
};

/** The union of the inputs' root ancestors, each once, in input order. */
export const rootsOf = (inputs: readonly LotRecord[]): string[] => [...new Set(inputs.flatMap((i) => i.roots))];
