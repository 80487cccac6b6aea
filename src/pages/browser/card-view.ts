/**
 * A card as its holder sees it, verified in the browser — the one module behind
 * the wallet's cards (/wallet) and the static verifier's card.html (`anxin
 * verifier`): the view is read with a request signed as card:<id> by the
 * holder's key (from the log's own origin, or cross-origin: the service answers
 * CORS for it, src/tlog/cors.ts), checked by verify-card.ts against the pinned
 * anchor, and shown from what verified only: the replayed balance and the
 * verified entries, with the named checks and the checkpoint's time
 * (verify-badge.ts). The checkpoint size accepted is remembered per log origin
 * and card (seen.ts), so an older view served later fails freshness.
 */
import { signRequest, type SigningKey } from '../../../ledger/portable.js';
import { nobleSuite } from '../../../ledger/suite-noble.js';
import { h } from './dom.js';
import { formatYuan } from './format.js';
import { messages, type Lang } from './messages.js';
import { remember, seenSize } from './seen.js';
import { showChecks } from './verify-badge.js';
import { checkCard, type CardCheck, type CardViewShape } from './verify-card.js';
import type { Anchor } from './verify-trace.js';
import type { WalletMessages } from './wallet-messages.js';

export type CardRead = { view: CardViewShape; check: CardCheck } | { error: string };

/** GET <log>/v1/cards/<card>, signed as card:<card> by `key`, then checked. `log` is '' for the page's own origin. */
export const readCard = async (anchor: Anchor, log: string, card: string, key: SigningKey): Promise<CardRead> => {
  const url = new URL(`${log}/v1/cards/${encodeURIComponent(card)}`, location.href);
  const target = url.pathname + url.search;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { accept: 'application/json', ...signRequest(nobleSuite, { ...key, id: `card:${card}` }, { method: 'GET', target }) },
      cache: 'no-store',
    });
  } catch (e) {
    return { error: String(e) };
  }
  if (!res.ok) return { error: `HTTP ${res.status}` };
  const view = (await res.json()) as CardViewShape;
  const seen = `${anchor.origin} card:${card}`;
  const check = checkCard(nobleSuite, anchor, view, card, seenSize(seen));
  if (check.ok && check.checkpoint) remember(seen, check.checkpoint.size);
  return { view, check };
};

/**
 * The card's box: `article[data-card][data-balance]` with its badge (`[data-verify]`
 * ok | failed, the named checks, the checkpoint's time), and — when it verified — the
 * replayed balance and the entries. Nothing unverified is shown.
 */
export const cardBox = (lang: Lang, w: WalletMessages, card: string, read: CardRead): HTMLElement => {
  const t = messages(lang);
  const text = h('span', { class: 'verify-text' });
  const badge = h('section', { class: 'verify badge', 'data-verify': 'failed', 'aria-live': 'polite' }, h('p', {}, text));
  const box = h('article', { class: 'card-item', 'data-card': card }, h('h3', {}, card), badge);
  if ('error' in read) {
    text.textContent = `${w.walletVerifyFailed}: ${read.error}`;
    return box;
  }
  const { view, check } = read;
  badge.dataset.verify = check.ok ? 'ok' : 'failed';
  text.textContent = check.ok ? w.walletVerifyOk : `${w.walletVerifyFailed}: ${check.problems[0]?.detail ?? ''}`;
  showChecks(badge, null, t, check.checks, check.checkpoint, t.completenessNotClaimed);
  if (!check.ok) return box;
  box.setAttribute('data-balance', String(check.balance));
  box.append(
    h('p', { class: 'balance' }, `${w.walletBalance} `, h('strong', {}, formatYuan(check.balance)), ' · ', view.card.merchant),
    h(
      'details',
      {},
      h('summary', {}, w.walletHistory),
      h(
        'ol',
        {},
        ...view.entries.map((e) => {
          const amount = (e.event.body as { amount?: number }).amount;
          return h(
            'li',
            { 'data-index': e.index },
            `#${e.index} ${e.at.slice(0, 16).replace('T', ' ')} ${e.event.type} ${amount !== undefined ? formatYuan(amount) : ''}`,
          );
        }),
      ),
    ),
  );
  return box;
};
