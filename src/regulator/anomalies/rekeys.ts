/**
 * holder-rekey (SPEC §14), per merchant: yellow while the merchant itself has
 * re-keyed a card (card.rekey) in the last 30 × 24 h. A merchant that re-keys a
 * card could key it to a key of its own and spend the holder's balance; the
 * regulator sees every such re-key and checks it with the holder. A regulator's
 * re-key opens nothing. The window closes by the clock (docs/ANOMALIES.md).
 */
import type { EventContext, State } from '../../domain/plugin.js';
import type { Condition, TimedRule } from './timed.js';
import { DAY } from './time.js';
import { boundEntries, iso } from './types.js';

export const REKEY_WINDOW_MS = 30 * DAY;
/** At most this many recent re-keys are kept per merchant (the oldest drop out first). */
const MAX_KEPT = 64;

export interface RekeyFacts {
  lastAt: number;
  /** [entry ms, index, card] of the merchant's re-keys in the last 30 days, in entry order. */
  rekeys: Array<[number, number, string]>;
}

const rekeysKey = (merchant: string) => `anomaly/rekeys/${merchant}`;

export const recordRekey = (state: State, merchant: string, card: string, ctx: Pick<EventContext, 'index' | 'atMs'>): RekeyFacts => {
  const f = state.get<RekeyFacts>(rekeysKey(merchant));
  const rekeys = [
    ...(f?.rekeys ?? []).filter(([t]) => t > ctx.atMs - REKEY_WINDOW_MS),
    [ctx.atMs, ctx.index, card] as [number, number, string],
  ];
  const facts: RekeyFacts = { lastAt: ctx.atMs, rekeys: rekeys.slice(-MAX_KEPT) };
  state.put(rekeysKey(merchant), facts);
  return facts;
};

const inWindow = (f: RekeyFacts, t: number) => f.rekeys.filter(([at]) => t - at < REKEY_WINDOW_MS);

export const holderRekey: TimedRule<RekeyFacts> = {
  rule: 'holder-rekey',
  kind: 'merchant',
  facts: (state, id) => state.get<RekeyFacts>(rekeysKey(id)),
  lastAt: (f) => f.lastAt,
  at(f, t): Condition | undefined {
    const recent = inWindow(f, t);
    if (!recent.length) return undefined;
    return {
      severity: 'yellow',
      detail: {
        rekeysLast30Days: recent.length,
        cards: [...new Set(recent.map(([, , c]) => c))].slice(0, 20),
        latestAt: iso(recent[recent.length - 1][0]),
      },
      entries: boundEntries(recent.map(([, i]) => i)),
    };
  },
  changes: (f, after, until) =>
    f.rekeys
      .map(([at]) => at + REKEY_WINDOW_MS)
      .filter((x) => x > after && x <= until)
      .sort((a, b) => a - b),
  nextChange(f, t) {
    const later = f.rekeys.map(([at]) => at + REKEY_WINDOW_MS).filter((x) => x > t);
    return later.length ? Math.min(...later) : undefined;
  },
};
