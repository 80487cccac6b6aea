/**
 * Who holds a card (SPEC §14): card.transfer by the holder to a new key, and
 * card.rekey by the issuing merchant or a regulator for a holder who lost the
 * key. Either way the new key co-signs the event that installs it
 * (cosig.newHolder), and from the next entry on `card:<id>` signs with it.
 * The balance, requests and claims stay with the card.
 */
import { cardRekey, cardTransfer, type CardRecord, type CardRekeyBody, type CardTransferBody } from '../../schemas/cards.js';
import type { Event, EventContext, EventType, State } from '../domain/plugin.js';
import { ApiError } from '../errors.js';
import { checkNewHolderCosig, requireIssuer, requireOwnCard } from './guards.js';
import { requireCard, saveCard } from './state.js';

/** The checks both events share once the poster is allowed: a keyed card, a different key, the new key's signature. */
const rekeyCard = (state: State, event: Event<unknown>, ctx: EventContext, card: CardRecord, newHolderKey: string): CardRecord => {
  if (!card.holderKey) throw new ApiError('invalid_event', `card ${card.card} has no holder key to replace`);
  if (newHolderKey === card.holderKey) throw new ApiError('invalid_event', `body.newHolderKey is already card ${card.card}'s holder key`);
  checkNewHolderCosig(event, ctx, card.card, newHolderKey);
  return { ...card, holderKey: newHolderKey };
};

export const transfer: EventType<CardTransferBody> = {
  type: 'card.transfer',
  body: cardTransfer,
  roles: ['holder'],
  apply(state, event, ctx) {
    const { body, actor } = event;
    requireOwnCard(body.card, actor);
    const card = requireCard(state, body.card);
    if (body.newHolderRef !== undefined && card.kind === 'anonymous')
      throw new ApiError('invalid_event', `body.newHolderRef: card ${card.card} is anonymous and carries no identity reference`);
    // The holder signs as card:<id> (sig); a cosig.holder would only repeat it.
    if (event.cosig?.holder !== undefined)
      throw new ApiError('invalid_event', 'the holder already signs card.transfer as its actor; omit cosig.holder');
    const next = rekeyCard(state, event, ctx, card, body.newHolderKey);
    saveCard(state, { ...next, ...(body.newHolderRef !== undefined && { holderRef: body.newHolderRef }) }, ctx);
  },
};

export const rekey: EventType<CardRekeyBody> = {
  type: 'card.rekey',
  body: cardRekey,
  roles: ['merchant', 'regulator'],
  apply(state, event, ctx) {
    const { body, actor } = event;
    const card = requireCard(state, body.card);
    if (ctx.principal.role === 'merchant') requireIssuer(card, actor);
    // The old key is lost: a cosig.holder by it cannot be expected, and one by anyone else proves nothing.
    if (event.cosig?.holder !== undefined) throw new ApiError('invalid_event', 'card.rekey replaces a lost key; omit cosig.holder');
    saveCard(state, rekeyCard(state, event, ctx, card, body.newHolderKey), ctx);
  },
};
