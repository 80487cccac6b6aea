/**
 * What the dashboard's sections share: the signed-in session, the language, the
 * pinned trust anchor, the wire shapes they read (SPEC §8–10; type-only, so
 * nothing of zod reaches the browser), and a table that turns into labelled
 * cards on a phone (each cell carries its column name in `data-label`).
 */
import type { MerchantFull } from '../../../../schemas/cards.js';
import type { RecallView } from '../../../../schemas/trace.js';
import type { Checkpoint } from '../../../../ledger/portable.js';
import { h, type Child } from '../dom.js';
import type { Lang, Messages } from '../messages.js';
import type { Session } from '../session.js';
import type { Anchor } from '../verify-trace.js';

export type { MerchantFull, RecallView, Checkpoint };

export interface Dash {
  session: Session;
  t: Messages;
  lang: Lang;
  anchor: Anchor;
}

/** SPEC §10. */
export interface Anomaly {
  id: string;
  rule: string;
  severity: 'yellow' | 'red';
  subject: string;
  since: string;
  detail: Record<string, unknown>;
  entries: number[];
}

/** SPEC §9 plus the service's report fields (schemas/regulator.ts). */
export interface VerificationReport {
  ok: boolean;
  size: number;
  checked: number;
  errors: Array<{ index: number; code: string; detail: string }>;
  finishedAt?: string;
}

export interface VerifyJob {
  id: string;
  state: 'running' | 'done';
  checked: number;
  size: number;
  report?: VerificationReport;
  error?: string;
}

export interface Column<T> {
  label: string;
  cell(row: T): Child;
  className?: string;
}

export const table = <T>(columns: Column<T>[], rows: T[], rowAttrs: (row: T) => Record<string, string>): HTMLElement =>
  h(
    'table',
    { class: 'grid-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h('th', { scope: 'col' }, c.label)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          rowAttrs(r),
          columns.map((c) => h('td', { 'data-label': c.label, class: c.className }, c.cell(r))),
        ),
      ),
    ),
  );

/** A link into the dashboard's entry viewer. */
export const entryLink = (index: number): HTMLElement => h('a', { href: `#entry-${index}`, class: 'mono' }, `#${index}`);

export const errorLine = (text: string): HTMLElement => h('p', { class: 'error' }, text);
