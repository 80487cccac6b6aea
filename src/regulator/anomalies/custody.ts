/**
 * custody-short (SPEC §10), per merchant: custody < required → yellow; custody
 * < 80 % of required → red. Event-driven: custody and required change only by
 * entries (issue, top-up, consumption, refund, compensation, deposit, release),
 * and after each of those the merchant is checked again. `entries` are the entry
 * that opened it and each entry that changed its severity.
 */
import type { EventContext, State } from '../../domain/plugin.js';
import { findMerchant, getMerchantRecord } from '../../cards/index.js';
import { getOpen, setOpen } from './store.js';
import { anomalyId, boundEntries, subjectKey, type Anomaly, type Severity } from './types.js';

/** The severity of a custody position, exactly (BigInt: figures are safe integers, their multiples may not be). */
export const custodySeverity = (custody: number, required: number): Severity | undefined => {
  if (custody >= required) return undefined;
  return 5n * BigInt(custody) < 4n * BigInt(required) ? 'red' : 'yellow';
};

export const checkCustody = (state: State, merchant: string, ctx: Pick<EventContext, 'index' | 'at'>): void => {
  // The merchant record alone decides; the actor record (for the tier) is read only for an open anomaly.
  const record = getMerchantRecord(state, merchant);
  if (!record) return;
  const key = subjectKey('merchant', merchant);
  const { custody, required } = record;
  const severity = custodySeverity(custody, required);
  if (!severity) return setOpen(state, 'custody-short', key, undefined);
  const prev = getOpen(state, 'custody-short', key);
  const entries = !prev ? [ctx.index] : prev.severity !== severity ? [...prev.entries, ctx.index] : prev.entries;
  const next: Anomaly = {
    id: anomalyId('custody-short', merchant),
    rule: 'custody-short',
    severity,
    subject: merchant,
    since: prev?.since ?? ctx.at,
    detail: { tier: findMerchant(state, merchant)?.tier, custody, required, shortfall: required - custody },
    entries: boundEntries(entries),
  };
  setOpen(state, 'custody-short', key, next);
};
