/**
 * The verification badge's details, the same on every page that verifies a view
 * (trace page, static verifier, wallet): each named check (SPEC §11) as
 * `li[data-check][data-state]` in words, and the checkpoint's time — the
 * witnesses' cosignature time when a pinned quorum checked, else the words that
 * it is only operator-signed (`.verify-time`, `data-witnessed` = POSIX seconds).
 * Both are inserted before `before` (a child of `badge`) the first time.
 */
import { h, fill } from './dom.js';
import { formatTime } from './format.js';
import { fmt, lookup, type Messages } from './messages.js';
import type { NamedCheck } from './verify-trace.js';

export const showChecks = (
  badge: HTMLElement,
  before: Element | null,
  t: Messages,
  checks: readonly NamedCheck[],
  checkpoint: { size: number; witnessed?: Record<string, number> } | undefined,
  /** Appended to the time line when completeness did not check. */
  notComplete: string,
): void => {
  let list = badge.querySelector<HTMLUListElement>('.verify-checks');
  if (!list) badge.insertBefore((list = h('ul', { class: 'verify-checks small' }) as HTMLUListElement), before);
  fill(
    list,
    checks.map((c) =>
      h(
        'li',
        { 'data-check': c.name, 'data-state': c.state, title: c.detail },
        `${lookup(t, `check_${c.name}`, c.name)}: ${lookup(t, `checkState_${c.state}`, c.state)}`,
      ),
    ),
  );
  const times = checkpoint?.witnessed ? Object.values(checkpoint.witnessed) : [];
  const when = times.length
    ? fmt(t.witnessedAt, { n: times.length, at: formatTime(new Date(Math.max(...times) * 1000).toISOString()) })
    : t.operatorOnly;
  const completeness = checks.find((c) => c.name === 'completeness')?.state === 'ok' ? '' : ` ${notComplete}`;
  let time = badge.querySelector<HTMLElement>('.verify-time');
  if (!time) badge.insertBefore((time = h('p', { class: 'verify-time small' })), before);
  time.textContent = checkpoint ? `${when}.${completeness}` : '';
  if (times.length) time.dataset.witnessed = String(Math.max(...times));
  else delete time.dataset.witnessed;
};
