/**
 * The HTTP half of a plug-in (`Plugin.http`): its routes (the contract of
 * http/route.ts, served by the one pipeline, http/pipeline.ts) and their
 * OpenAPI descriptions, built from the Services the app hands every plug-in.
 * The pure half (src/domain/plugin.ts) knows nothing of this file.
 */
import type { Ledger, ViewPoint } from '../../ledger/index.js';
import type { RouteDoc } from '../../schemas/routes.js';
import type { Config } from '../config.js';
import type { Catalogue } from '../domain/catalogue.js';
import type { Principal } from '../domain/plugin.js';
import type { Route } from './route.js';

export interface Services {
  ledger: Ledger;
  /** Every plug-in's event types, resolvers and observers. */
  catalogue: Catalogue;
  config: Config;
  now: () => number;
  /** Who an actor id (or card:<id>) is, in committed state. */
  principal(actor: string): Principal | undefined;
  /**
   * With witnessing (ANXIN_WITNESS_POLICY): the newest checkpoint at which both the checkpoint
   * and its subject note meet the witness quorum, if any yet (SPEC §12). Absent without witnessing.
   */
  witnessed?: () => ViewPoint | undefined;
}

export interface PluginHttp {
  /** HTTP routes (full /v1 paths), served by the one pipeline; see http/route.ts for the contract. */
  routes?(services: Services): Route[];
  /** OpenAPI descriptions of those routes. */
  docs?: readonly RouteDoc[];
}
