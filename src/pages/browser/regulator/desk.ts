/**
 * The complaint desk (SPEC §14): GET /v1/complaints, newest first, filtered by
 * status and merchant on the server and by "overdue only" here (the overdue mark
 * is the server's: open for more than 7 × 24 h). A regulator sees every
 * complaint; a merchant is scoped to its own by the API (its merchant filter is
 * fixed to itself). Each row shows the 12315 number, the merchant's latest
 * response and the outcome, and carries data-complaint, data-complaint-merchant,
 * data-complaint-status, data-overdue and data-ref12315.
 */
import { fill, h } from '../dom.js';
import { formatTime } from '../format.js';
import { fmt } from '../messages.js';
import type { PartyMessages } from '../party-messages.js';
import { failureCode } from '../session.js';
import { entryLink, errorLine, table, type Dash } from './shared.js';

export interface ComplaintRow {
  complaint: string;
  merchant: string;
  card?: string;
  category: string;
  ref12315?: string;
  summary?: string;
  status: 'open' | 'resolved';
  filedAt: string;
  filedIndex: number;
  outcome?: string;
  resolvedAt?: string;
  response?: { text: string; at: string; index: number };
  responses: number;
  overdue: boolean;
}

export interface DeskFilter {
  status: string;
  merchant: string;
  overdue: boolean;
}

export interface Desk {
  rows: ComplaintRow[];
  next: string | null;
  filter: DeskFilter;
}

const category = (p: PartyMessages, c: string): string => {
  const key = `cat_${c}`;
  return Object.hasOwn(p, key) ? p[key as keyof PartyMessages] : c;
};

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** The first page's target for a filter (a merchant is always scoped to itself). */
export const deskTarget = (d: Dash, role: string, f: DeskFilter): string => {
  const q = new URLSearchParams();
  if (f.status === 'open' || f.status === 'resolved') q.set('status', f.status);
  const merchant = role === 'merchant' ? d.session.id : f.merchant.trim();
  if (merchant && ID.test(merchant)) q.set('merchant', merchant);
  q.set('limit', '100');
  return `/v1/complaints?${q}`;
};

const render = (d: Dash, p: PartyMessages, desk: Desk, box: HTMLElement) => {
  const { t } = d;
  const rows = desk.filter.overdue ? desk.rows.filter((c) => c.overdue) : desk.rows;
  if (rows.length === 0) return fill(box, h('p', { class: 'muted', 'data-desk-empty': 'true' }, p.deskNone));
  fill(
    box,
    table<ComplaintRow>(
      [
        {
          label: p.deskComplaint,
          cell: (c) => [
            h('span', { class: 'mono' }, c.complaint),
            c.ref12315
              ? [h('br'), h('span', { class: 'small' }, `${p.deskRef12315} `, h('span', { class: 'mono', 'data-ref': '' }, c.ref12315))]
              : null,
          ],
        },
        { label: t.regMerchant, cell: (c) => h('a', { href: `/m/${encodeURIComponent(c.merchant)}`, class: 'mono' }, c.merchant) },
        { label: p.deskCategory, cell: (c) => category(p, c.category) },
        { label: p.deskSummary, cell: (c) => c.summary ?? '' },
        {
          label: p.deskStatus,
          cell: (c) => [
            h(
              'span',
              { class: c.status === 'open' ? 'pill pill-warn' : 'pill pill-ok' },
              c.status === 'open' ? p.deskOpen : p.deskResolved,
            ),
            c.overdue ? [' ', h('span', { class: 'pill pill-bad', 'data-overdue-mark': '' }, p.deskOverdue)] : null,
            c.outcome ? [h('br'), h('span', { class: 'small' }, `${p.deskOutcome}：${c.outcome}`)] : null,
          ],
        },
        { label: p.deskFiled, cell: (c) => [formatTime(c.filedAt), ' ', entryLink(c.filedIndex)] },
        {
          label: p.deskResponse,
          cell: (c) =>
            c.response
              ? [
                  h('span', { 'data-response': '' }, c.response.text),
                  h('br'),
                  h('span', { class: 'small muted' }, formatTime(c.response.at), ' · ', fmt(p.deskResponses, { n: c.responses })),
                ]
              : h('span', { class: 'muted' }, p.deskNoResponse),
        },
      ],
      rows,
      (c) => ({
        'data-complaint': c.complaint,
        'data-complaint-merchant': c.merchant,
        'data-complaint-status': c.status,
        'data-overdue': String(c.overdue),
        'data-ref12315': c.ref12315 ?? '',
      }),
    ),
  );
};

/** Loads the first page (or, with `more`, the next one) and redraws the desk. */
export const loadDesk = async (
  d: Dash,
  p: PartyMessages,
  role: string,
  desk: Desk,
  box: HTMLElement,
  moreButton: HTMLElement,
  more = false,
): Promise<void> => {
  try {
    const target = more && desk.next ? desk.next : deskTarget(d, role, desk.filter);
    const { body } = await d.session.get<{ complaints: ComplaintRow[]; next: string | null }>(target);
    desk.rows = more ? [...desk.rows, ...body.complaints] : body.complaints;
    desk.next = body.next;
    moreButton.hidden = !desk.next;
    render(d, p, desk, box);
  } catch (e) {
    fill(box, errorLine(fmt(d.t.regError, { code: failureCode(e) })));
  }
};
