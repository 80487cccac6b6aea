/** All plug-ins, indexed: event types by name, principal resolvers, observers, genesis handlers. */
import type { Entry, GenesisBody } from '../../ledger/index.js';
import type { EventType, GenesisHandler, Observer, Plugin, Principal, State } from './plugin.js';

export class Catalogue {
  readonly types = new Map<string, EventType>();
  private readonly resolvers: NonNullable<Plugin['principals']>[] = [];
  readonly observers: Observer[] = [];
  private readonly genesisHandlers: GenesisHandler[] = [];

  constructor(readonly plugins: readonly Plugin[]) {
    for (const p of plugins) {
      for (const t of p.events ?? []) {
        if (this.types.has(t.type)) throw new TypeError(`event type ${t.type} is registered twice`);
        this.types.set(t.type, t);
      }
      if (p.principals) this.resolvers.push(p.principals);
      if (p.genesis) this.genesisHandlers.push(p.genesis);
      this.observers.push(...(p.observers ?? []));
    }
  }

  /** Who `actor` is in this state, if anyone. */
  principal(state: Pick<State, 'get'>, actor: string): Principal | undefined {
    for (const resolve of this.resolvers) {
      const p = resolve(state, actor);
      if (p) return p;
    }
    return undefined;
  }

  /** State the genesis entry establishes (the root regulators). */
  genesisState(entry: Entry): Record<string, unknown> {
    const writes: Record<string, unknown> = {};
    const state: State = {
      get: <T>(k: string) => writes[k] as T | undefined,
      put: (k, v) => void (writes[k] = v),
      del: (k) => void delete writes[k],
    };
    for (const g of this.genesisHandlers) g(state, entry.event.body as GenesisBody, entry);
    return writes;
  }
}
