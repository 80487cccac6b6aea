/** The time-dependent rules by name, for the schedule and for query-time evaluation. */
import { complaintOverdue, complaintSurge } from './complaints.js';
import { refundOverdue } from './refunds.js';
import { holderRekey } from './rekeys.js';
import { salesSpike } from './sales.js';
import { inTransitStale } from './shipments.js';
import { recallOverdue } from './recalls.js';
import type { TimedRule } from './timed.js';
import type { Rule } from './types.js';

export const TIMED_RULES: Readonly<Partial<Record<Rule, TimedRule>>> = {
  'sales-spike': salesSpike,
  'complaint-surge': complaintSurge,
  'complaint-overdue': complaintOverdue,
  'refund-overdue': refundOverdue,
  'in-transit-stale': inTransitStale,
  'recall-overdue': recallOverdue,
  'holder-rekey': holderRekey,
};
