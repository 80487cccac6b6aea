/** Every domain plug-in the service runs, in registration order. */
import { actorsPlugin } from './actors/index.js';
import { cardsPlugin } from './cards/index.js';
import type { Plugin } from './domain/plugin.js';
import { tracePlugin } from './trace/index.js';
import { regulatorPlugin } from './regulator/index.js';
import { epcisPlugin } from './epcis/index.js';

export const PLUGINS: readonly Plugin[] = [actorsPlugin, cardsPlugin, tracePlugin, regulatorPlugin, epcisPlugin];
