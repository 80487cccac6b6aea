/**
 * The HTTP half of a plug-in (`Plugin.http`): its read routes and their OpenAPI
 * descriptions, built from the Services the app hands every plug-in. The pure
 * half (src/domain/plugin.ts) knows nothing of this file.
 */
import type { RequestHandler, Router } from 'express';
import type { Ledger } from '../../ledger/index.js';
import type { RouteDoc } from '../../schemas/routes.js';
import type { Config } from '../config.js';
import type { Catalogue } from '../domain/catalogue.js';
import type { Principal } from '../domain/plugin.js';
import type { FastRoute } from './fast-routes.js';

export interface Services {
  ledger: Ledger;
  /** Every plug-in's event types, resolvers and observers. */
  catalogue: Catalogue;
  config: Config;
  now: () => number;
  /** Who an actor id (or card:<id>) is, in committed state. */
  principal(actor: string): Principal | undefined;
  /** Middleware: RFC 9421 signature required; sets res.locals.principal (see http/auth.ts principalOf/allow). */
  signed: RequestHandler;
  /** Middleware: verifies a signature when one is sent; anonymous otherwise. */
  maybeSigned: RequestHandler;
}

export interface PluginHttp {
  /** HTTP routes for reads, mounted under /v1. */
  routes?(services: Services): Router;
  /** Hot routes (full paths) written against Node's request/response; see http/fast-routes.ts. */
  fastRoutes?(services: Services): FastRoute[];
  /** OpenAPI descriptions of those routes. */
  docs?: readonly RouteDoc[];
}
