/**
 * What a subscription is sent for one ledger entry (SPEC §15): `{ topic, index,
 * data }` messages, at most one per topic, in the order entry, recall, anomaly.
 * `(topic, index)` names a message: a receiver de-duplicates by it.
 *
 *   entry    every entry: `{ entry }` (index, at, leaf, hash, event) — filter.types
 *   recall   a lot.recall: `{ code, level, reason, by, at, deadline, lots }` (the lot and every lot made from it)
 *   anomaly  the anomalies the entry opened, changed or closed (anomaly/changes/<index>,
 *            kept by the anomaly engine): `{ open: [anomaly], closed: [{ rule, subject }] }`
 *            — filter.rules, filter.severity (red = red only)
 *
 * An anomaly that opens by the clock alone (a deadline passing) is committed,
 * and so sent, with the next entry. Pure over the entry and a state reader.
 */
import type { Entry, StateView } from '../../ledger/index.js';
import { anomalyChangesKey, type AnomalyChanges } from '../regulator/index.js';
import { descendants, getLot, recallDeadline } from '../trace/index.js';
import type { Subscription } from './store.js';

export const TOPICS = ['entry', 'recall', 'anomaly'] as const;
export type Topic = (typeof TOPICS)[number];

export interface Message {
  topic: Topic;
  index: number;
  data: unknown;
}

type Reader = Pick<StateView, 'get'>;

const recallData = (state: Reader, entry: Entry) => {
  const body = entry.event.body as { code: string; level: 1 | 2 | 3; reason: string };
  const lot = getLot(state, body.code);
  const lots = lot ? [lot.code, ...descendants(state, lot).map((d) => d.lot.code)] : [body.code];
  return {
    code: body.code,
    level: body.level,
    reason: body.reason,
    by: entry.event.actor,
    at: entry.at,
    deadline: recallDeadline({ at: entry.at, level: body.level }),
    lots: lots.slice(0, 1000),
  };
};

const anomalyData = (state: Reader, index: number, filter: Subscription['filter']): AnomalyChanges | undefined => {
  const changes = state.get<AnomalyChanges>(anomalyChangesKey(index));
  if (!changes) return undefined;
  const rules = filter?.rules;
  const keep = (rule: string) => !rules || rules.includes(rule);
  const open = changes.open.filter((a) => keep(a.rule) && (filter?.severity !== 'red' || a.severity === 'red'));
  const closed = changes.closed.filter((c) => keep(c.rule));
  if (!open.length && !closed.length) return undefined;
  return { open, closed, ...(changes.truncated && { truncated: true as const }) };
};

/** The messages of `entry` for `sub`, in order. */
export const messagesFor = (state: Reader, entry: Entry, sub: Pick<Subscription, 'topics' | 'filter'>): Message[] => {
  const out: Message[] = [];
  const { index } = entry;
  if (sub.topics.includes('entry') && (!sub.filter?.types || sub.filter.types.includes(entry.event.type)))
    out.push({ topic: 'entry', index, data: { entry } });
  if (sub.topics.includes('recall') && entry.event.type === 'lot.recall')
    out.push({ topic: 'recall', index, data: recallData(state, entry) });
  if (sub.topics.includes('anomaly')) {
    const data = anomalyData(state, index, sub.filter);
    if (data) out.push({ topic: 'anomaly', index, data });
  }
  return out;
};
