/**
 * Card holders as principals (SPEC §2): `card:<id>` is the holder of card <id>,
 * authenticated by the card's holderKey, with role `holder`. A card issued
 * without a holderKey has no principal (its holder cannot sign). Holders stay
 * active whatever happens to the merchant: refund requests and complaints go on.
 */
import { HOLDER_PREFIX } from '../../schemas/common.js';
import type { PrincipalResolver } from '../domain/plugin.js';
import { getCard } from './state.js';

export const resolveHolder: PrincipalResolver = (state, actor) => {
  if (!actor.startsWith(HOLDER_PREFIX)) return undefined;
  const card = getCard(state, actor.slice(HOLDER_PREFIX.length));
  if (!card?.holderKey) return undefined;
  return { id: actor, role: 'holder', status: 'active', publicKey: card.holderKey };
};
