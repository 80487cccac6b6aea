/**
 * The demo's story (`npm run demo`, and the pages' end-to-end tests): 40 days of
 * a city's market supervision told through the real API — prepaid cards for
 * four merchants (cards-story.ts), then 大陈黄鱼 from the farm to the shelf with a
 * cold-chain excursion and a recall (fish-story.ts). Every event is signed and
 * admitted like any other; only the service's clock is moved forward between
 * chapters. Start it 40 days before "now" (STORY_DAYS) so it ends in the present.
 */
import type { KeyFile, SigningKey } from '../../ledger/index.js';
import { cardsStory, type CardsStory } from './cards-story.js';
import { fishStory, type FishStory } from './fish-story.js';
import { Poster, type StorySink } from './poster.js';

export const STORY_DAYS = 40;

export interface DemoStory {
  trace: FishStory;
  merchants: CardsStory['merchants'];
  /** The merchant closed and paid out to the last fen. */
  closed: string;
  /** Key files of every actor and card holder the story made, by id. */
  keys: Map<string, KeyFile>;
  /** Events posted. */
  events: number;
  /** The read-only (auditor) key the regulator dashboard signs in with (SPEC §5, §11). */
  dashboard: string;
}

/** The id of the dashboard's read-only key. */
export const DASHBOARD_ID = 'regulator-dashboard';

export const tellStory = async (sink: StorySink, regulator: SigningKey): Promise<DemoStory> => {
  const p = new Poster(sink, regulator);
  // The regulator registers a read-only key for its dashboard: posting stays with the CLI.
  p.register(DASHBOARD_ID, 'auditor', '监管看板（只读）');
  const cards = await cardsStory(p);
  const trace = await fishStory(p);
  await p.at(STORY_DAYS);
  return { trace, merchants: cards.merchants, closed: cards.closed, keys: p.keys, events: p.count, dashboard: DASHBOARD_ID };
};
