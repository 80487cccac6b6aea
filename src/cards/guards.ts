/**
 * Relational permission checks of SPEC §5 that the static `roles` cannot
 * express (→ 403 forbidden), and the holder co-signature rule. Pure.
 */
import type { CardRecord } from '../../schemas/cards.js';
import type { Event, EventContext } from '../domain/plugin.js';
import { ApiError } from '../errors.js';
import { holderActor, type Merchant } from './state.js';

/** Only the issuing merchant may move money on its cards. */
export const requireIssuer = (card: CardRecord, actor: string): void => {
  if (card.merchant !== actor)
    throw new ApiError('forbidden', `card ${card.card} was issued by ${card.merchant}; only the issuing merchant may post this`);
};

/** A holder (`card:<id>`) acts only on its own card. */
export const requireOwnCard = (card: string | undefined, actor: string): void => {
  if (card === undefined || holderActor(card) !== actor)
    throw new ApiError('forbidden', `${actor} may act only on its own card: body.card must be ${actor.slice('card:'.length)}`);
};

/** Only the merchant's registered custodian moves its custody. */
export const requireCustodian = (m: Merchant, actor: string): void => {
  if (m.custodian !== actor)
    throw new ApiError('forbidden', `${m.actor.id}'s registered custodian is ${m.custodian}; only it may move this custody`);
};

/** Only the merchant's registered insurer compensates its card holders. */
export const requireInsurer = (m: Merchant, actor: string): void => {
  if (m.insurer !== actor)
    throw new ApiError(
      'forbidden',
      m.insurer ? `${m.actor.id}'s registered insurer is ${m.insurer}; only it may compensate` : `${m.actor.id} has no registered insurer`,
    );
};

/**
 * cosig.holder on an event about a card. Contract: a co-signature that lands on
 * the ledger has always been verified against the card's holderKey, so a reader
 * may rely on it. `required` makes it mandatory when the card has a holderKey
 * (card.consume); a cosig on a card without a holderKey cannot be checked and is
 * refused.
 */
export const checkHolderCosig = (event: Event<unknown>, ctx: EventContext, card: CardRecord, required: boolean): void => {
  if (event.cosig?.newHolder !== undefined && event.type !== 'card.rekey')
    throw new ApiError('invalid_event', `${event.type} installs no new holder key; omit cosig.newHolder`);
  const sig = event.cosig?.holder;
  if (sig === undefined) {
    if (required && card.holderKey)
      throw new ApiError(
        'holder_signature_required',
        `card ${card.card} has a holder key: cosig.holder (the holder's signature over the same signing input) is required`,
      );
    return;
  }
  if (!card.holderKey)
    throw new ApiError('invalid_event', `card ${card.card} has no holder key, so cosig.holder cannot be checked; omit it`);
  ctx.requireSignature(card.holderKey, sig, 'bad_signature', `cosig.holder does not verify with card ${card.card}'s holder key`);
};

/**
 * cosig.newHolder (card.transfer, card.rekey): the new key proves itself by
 * signing the very event that installs it, so a card is never keyed to a key
 * nobody holds.
 */
export const checkNewHolderCosig = (event: Event<unknown>, ctx: EventContext, card: string, newHolderKey: string): void => {
  const sig = event.cosig?.newHolder;
  if (sig === undefined)
    throw new ApiError(
      'holder_signature_required',
      `cosig.newHolder (the new key's signature over the same signing input) is required to key card ${card} to it`,
    );
  ctx.requireSignature(newHolderKey, sig, 'bad_signature', `cosig.newHolder does not verify with body.newHolderKey`);
};

/** Events that concern no card carry no holder co-signature. */
export const rejectCosig = (event: Event<unknown>): void => {
  if (event.cosig !== undefined) throw new ApiError('invalid_event', `${event.type} concerns no card holder; omit cosig`);
};
