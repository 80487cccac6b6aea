/** All plug-ins' pure halves, indexed: event types by name, principal resolvers, observers, query indexes, genesis handlers. */
import type { Entry, GenesisBody } from '../../ledger/index.js';
import { MemoryState } from './memory-state.js';
import type { DomainPlugin, EventType, GenesisHandler, Observer, Principal, PrincipalResolver, State } from './plugin.js';

export class Catalogue {
  readonly types = new Map<string, EventType>();
  private readonly resolvers: PrincipalResolver[] = [];
  readonly observers: Observer[] = [];
  readonly indexes: Observer[] = [];
  private readonly genesisHandlers: GenesisHandler[] = [];

  constructor(readonly domains: readonly DomainPlugin[]) {
    for (const d of domains) {
      for (const t of d.events ?? []) {
        if (this.types.has(t.type)) throw new TypeError(`event type ${t.type} is registered twice`);
        this.types.set(t.type, t);
      }
      if (d.principals) this.resolvers.push(d.principals);
      if (d.genesis) this.genesisHandlers.push(d.genesis);
      this.observers.push(...(d.observers ?? []));
      this.indexes.push(...(d.indexes ?? []));
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
    const state = new MemoryState();
    const tx = state.begin();
    for (const g of this.genesisHandlers) g(tx, entry.event.body as GenesisBody, entry);
    tx.commit();
    return state.toRecord();
  }
}
