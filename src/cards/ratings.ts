/**
 * rating.publish (SPEC §14): a regulator signs and dates the month's merchant
 * ratings, so the stars a merchant page shows can be checked against the ledger.
 * Every rated merchant must be registered (`not_found`). The latest publication
 * that rates a merchant is kept as `rating/<m>`; re-publishing a period corrects it.
 */
import { ratingPublish, type RatingPublishBody } from '../../schemas/cards.js';
import type { EventType } from '../domain/plugin.js';
import { rejectCosig } from './guards.js';
import { ratingKey, requireMerchant, type PublishedRating } from './state.js';

export const publish: EventType<RatingPublishBody> = {
  type: 'rating.publish',
  body: ratingPublish,
  roles: ['regulator'],
  apply(state, event, ctx) {
    const { body, actor } = event;
    for (const r of body.ratings) requireMerchant(state, r.merchant);
    rejectCosig(event);
    for (const r of body.ratings)
      state.put(ratingKey(r.merchant), {
        period: body.period,
        score: r.score,
        stars: r.stars,
        by: actor,
        at: ctx.at,
        index: ctx.index,
      } satisfies PublishedRating);
  },
};
