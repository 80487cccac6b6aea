/**
 * A card world on top of the shared fixture: a custodian bank, an insurer, and a
 * merchant of a given tier; helpers to issue cards and act as a holder
 * (acceptance and rejection: test/helpers/outcomes.ts).
 */
import { createHash } from 'node:crypto';
import type request from 'supertest';
import { cosignEnvelope, nodeSuite, type Envelope, type SigningKey } from '../../ledger/index.js';
import type { CardRecord, MerchantRecord, Tier } from '../../schemas/cards.js';
import { newKey, signEvent, startFixture, type Fixture, type FixtureOptions, type SignOptions } from '../helpers/fixture.js';

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

export interface World {
  f: Fixture;
  bank: SigningKey;
  insurer: SigningKey;
  merchant: SigningKey;
  /** Registers another merchant with the same custodian and insurer. */
  addMerchant(id: string, tier: Tier, extra?: { custodian?: string; insurer?: string }): Promise<SigningKey>;
}

export const startWorld = async (o: { merchant?: string; tier?: Tier; name?: string; fixture?: FixtureOptions } = {}): Promise<World> => {
  const f = await startFixture(o.fixture);
  const bank = await f.register('bank-hz-01', 'custodian');
  const insurer = await f.register('insurer-pa-01', 'insurer');
  const addMerchant = (id: string, tier: Tier, extra: { custodian?: string; insurer?: string } = {}) =>
    f.register(id, 'merchant', { merchant: { tier, custodian: extra.custodian ?? bank.id, insurer: extra.insurer ?? insurer.id } });
  const merchant = await addMerchant(o.merchant ?? 'm-hangzhou-gym-01', o.tier ?? 'scale');
  return { f, bank, insurer, merchant, addMerchant };
};

/** hex SHA-256 of a salted identity: what a named card carries instead of personal data. */
export const holderRefOf = (who: string): string => createHash('sha256').update(`salt-7f3a:${who}`).digest('hex');

/** A holder's key, id'd as the card's principal. */
export const holderKey = (card: string): SigningKey => newKey(`card:${card}`);

export interface IssueOptions {
  kind?: 'named' | 'anonymous';
  holder?: SigningKey | null;
  payment?: string;
  purchaser?: string;
}

/** The body of a card.issue; named cards get a holderRef and, unless holder is null, a holderKey. */
export const issueBody = (card: string, amount: number, o: IssueOptions = {}): Record<string, unknown> => {
  const kind = o.kind ?? 'named';
  return {
    card,
    kind,
    amount,
    ...(o.holder && { holderKey: o.holder.publicKey }),
    ...(kind === 'named' && { holderRef: holderRefOf(card) }),
    payment: o.payment ?? 'mobile',
    purchaser: o.purchaser ?? 'person',
  };
};

/** Posts a card.issue; a holder key given is put on the card and co-signs the issue (holder consent, SPEC §14). */
export const issue = (f: Fixture, merchant: SigningKey, card: string, amount: number, o: IssueOptions = {}): request.Test =>
  f.post(merchant, 'card.issue', issueBody(card, amount, o), o.holder ? { holder: o.holder } : {});

/** Posts as the holder of `card` (actor card:<id>, signed with its holder key). */
export const asHolder = (f: Fixture, holder: SigningKey, card: string, type: string, body: unknown, o: SignOptions = {}): request.Test =>
  f.post(holder, type, body, { ...o, actor: `card:${card}` });

export const cardState = (f: Fixture, card: string) => f.ledger.get<CardRecord>(`card/${card}`);
export const merchantState = (f: Fixture, merchant: string) => f.ledger.get<MerchantRecord>(`merchant/${merchant}`);

export { accepted, rejected } from '../helpers/outcomes.js';

/** Signs an event and adds cosig.newHolder by `newHolder` (card.transfer, card.rekey). */
export const withNewHolder = (
  f: Fixture,
  key: SigningKey,
  type: string,
  body: unknown,
  newHolder: SigningKey,
  o: SignOptions = {},
): Envelope => cosignEnvelope(nodeSuite, newHolder.seed, signEvent(key, type, body, f.clock, o), 'newHolder');

/** The holder of `card` gives it to `to`: card.transfer co-signed by the new key. */
export const transferCard = (f: Fixture, from: SigningKey, card: string, to: SigningKey, extra: Record<string, unknown> = {}) =>
  f.postEnvelope(withNewHolder(f, from, 'card.transfer', { card, newHolderKey: to.publicKey, ...extra }, to, { actor: `card:${card}` }));
