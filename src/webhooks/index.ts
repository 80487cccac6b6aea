/**
 * Webhooks (SPEC §15; docs/WEBHOOKS.md): subscriptions kept off the ledger,
 * deliveries signed by the operator key, at least once and in order per
 * subscription. `openWebhooks` opens the store and starts delivering; the app
 * mounts `webhookRoutes` (routes.ts) with the handle.
 */
import type { SigningKey } from '../../ledger/index.js';
import { parseAllowList, systemResolver, type AllowList, type Resolver } from './allow.js';
import { Dispatcher, type DispatcherOptions, type LedgerSource } from './dispatcher.js';
import { WebhookStore } from './store.js';

export interface Webhooks {
  store: WebhookStore;
  dispatcher: Dispatcher;
  allow: AllowList;
  resolve: Resolver;
  close(): Promise<void>;
}

export interface WebhookOptions {
  /** LevelDB directory of the subscriptions (not the ledger's). */
  path: string;
  ledger: LedgerSource;
  operator: Pick<SigningKey, 'seed'>;
  /** ANXIN_WEBHOOK_ALLOW; default loopback only. */
  allow?: string;
  now?: () => number;
  resolve?: Resolver;
  backoffMs?: DispatcherOptions['backoffMs'];
  pollMs?: number;
  timeoutMs?: number;
}

export const openWebhooks = async (o: WebhookOptions): Promise<Webhooks> => {
  const store = await WebhookStore.open(o.path);
  const allow = parseAllowList(o.allow);
  const resolve = o.resolve ?? systemResolver;
  const dispatcher = new Dispatcher({
    store,
    ledger: o.ledger,
    operatorSeed: o.operator.seed,
    allow,
    now: o.now,
    resolve,
    backoffMs: o.backoffMs,
    pollMs: o.pollMs,
    timeoutMs: o.timeoutMs,
  });
  await dispatcher.start();
  return {
    store,
    dispatcher,
    allow,
    resolve,
    close: async () => {
      await dispatcher.close();
      await store.close();
    },
  };
};

export { webhookRoutes } from './routes.js';
export { contentDigest, signBodyRequest, signDelivery, deliverySignatureBase, DELIVERY_COMPONENTS, BODY_COMPONENTS } from './signature.js';
export { parseAllowList, DEFAULT_ALLOW } from './allow.js';
