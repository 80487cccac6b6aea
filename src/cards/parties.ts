/**
 * Which merchants a custodian or insurer serves (SPEC §14 reads). A merchant's
 * custodian and insurer are fixed at its registration, so an observer indexes
 * them once, when actor.register of a merchant is accepted: the custodian's
 * merchant list is then a prefix read, never a scan of the registry.
 */
import type { ActorRegisterBody } from '../../schemas/actors.js';
import type { Observer } from '../domain/plugin.js';
import { partyMerchantKey } from './state.js';

export const registryObserver: Observer = (state, event) => {
  if (event.type !== 'actor.register') return;
  const body = event.body as ActorRegisterBody;
  if (body.role !== 'merchant' || !body.merchant) return;
  state.put(partyMerchantKey(body.merchant.custodian, body.id), 1);
  if (body.merchant.insurer) state.put(partyMerchantKey(body.merchant.insurer, body.id), 1);
};
