/**
 * Every plug-in the service runs, in registration order, each as its two
 * halves: `domain` (pure: event types, principals, observers, genesis — what
 * the verifier replays; src/domain/plugin.ts) and `http` (routes and their
 * docs; src/http/plugin-http.ts). This file is the one place the halves meet.
 */
import { actorsDomain } from './actors/index.js';
import { actorsHttp } from './actors/routes.js';
import { cardsDomain } from './cards/index.js';
import { cardsHttp } from './cards/routes.js';
import type { DomainPlugin } from './domain/plugin.js';
import type { PluginHttp } from './http/plugin-http.js';
import { regulatorDomain } from './regulator/index.js';
import { regulatorHttp } from './regulator/routes.js';
import { traceDomain } from './trace/index.js';
import { traceHttp } from './trace/routes.js';

export interface Plugin {
  domain: DomainPlugin;
  http?: PluginHttp;
}

export const PLUGINS: readonly Plugin[] = [
  { domain: actorsDomain, http: actorsHttp },
  { domain: cardsDomain, http: cardsHttp },
  { domain: traceDomain, http: traceHttp },
  { domain: regulatorDomain, http: regulatorHttp },
];

/** The pure halves alone: what a Catalogue (admission, replay, genesis) is built from. */
export const domainsOf = (plugins: readonly Plugin[]): DomainPlugin[] => plugins.map((p) => p.domain);

/** The pure halves of PLUGINS. */
export const DOMAINS: readonly DomainPlugin[] = domainsOf(PLUGINS);
