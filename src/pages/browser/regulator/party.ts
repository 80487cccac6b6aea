/**
 * The bank and insurer views (SPEC §14), one code path for both: the party's
 * merchants (GET /v1/custodians|insurers/{id}/merchants) with custody, required
 * and `releasable`, then the closure claims of each closed merchant
 * (GET /v1/merchants/{id}/claims, every page) with their payout progress.
 * A custodian sees all its merchants and every claim; an insurer its closed
 * merchants and the claims still open. Rows carry data-* attributes with the
 * figures in fen, for tests and for anyone reading the page with tools.
 */
import { fill, h, type Child } from '../dom.js';
import { formatYuan } from '../format.js';
import { fmt, lookup } from '../messages.js';
import type { PartyMessages } from '../party-messages.js';
import { failureCode } from '../session.js';
import { errorLine, table, type Dash, type MerchantFull } from './shared.js';

export type PartyRole = 'custodian' | 'insurer';

interface Paid {
  custody: number;
  insurance: number;
  refund: number;
}
interface Totals {
  cards: number;
  claim: number;
  paid: Paid;
  outstanding: number;
}
interface Claim {
  card: string;
  claim: number;
  paid: Paid;
  outstanding: number;
}
export type PartyMerchant = MerchantFull & { releasable: { consumption: number; refund: number }; claims: Totals };
interface ClaimsPage {
  claims?: Claim[];
  totals: Totals;
  next?: string | null;
}

/** At most this many claim pages are read per merchant (1000 claims each). */
const MAX_PAGES = 20;

const paidOf = (p: Paid) => p.custody + p.insurance + p.refund;

const progress = (p: PartyMessages, paid: number, claim: number): HTMLElement => {
  const pct = claim === 0 ? 1 : paid / claim;
  const width = Math.max(0, Math.min(100, pct * 100));
  return h(
    'span',
    { class: 'ratio' },
    h(
      'svg',
      { viewBox: '0 0 100 10', preserveAspectRatio: 'none', class: 'ratio-bar', 'aria-hidden': 'true' },
      h('rect', { class: 'ratio-bg', x: 0, y: 0, width: 100, height: 10 }),
      h('rect', { class: `ratio-fill ${pct >= 1 ? 'ok' : 'warn'}`, x: 0, y: 0, width: width.toFixed(1), height: 10 }),
    ),
    h(
      'span',
      { class: 'small' },
      fmt(p.partyProgress, { paid: formatYuan(paid), claim: formatYuan(claim), pct: `${Math.floor(pct * 100)}%` }),
    ),
  );
};

const merchantCell = (d: Dash, m: MerchantFull): Child => [
  h('a', { href: `/m/${encodeURIComponent(m.id)}${d.lang === 'en' ? '?lang=en' : ''}` }, m.name),
  h('br'),
  h('span', { class: 'mono small muted' }, m.id),
];

const loadClaims = async (d: Dash, m: PartyMerchant): Promise<Claim[]> => {
  const claims: Claim[] = [];
  let target: string | null | undefined = `/v1/merchants/${encodeURIComponent(m.id)}/claims?limit=1000`;
  for (let i = 0; target && i < MAX_PAGES; i++) {
    const { body }: { body: ClaimsPage } = await d.session.get<ClaimsPage>(target);
    claims.push(...(body.claims ?? []));
    target = body.next;
  }
  return claims;
};

const claimsBlock = async (d: Dash, p: PartyMessages, role: PartyRole, m: PartyMerchant): Promise<HTMLElement> => {
  const all = await loadClaims(d, m);
  const shown = role === 'insurer' ? all.filter((c) => c.outstanding > 0) : all;
  const total = m.claims;
  return h(
    'section',
    {
      class: 'claims',
      'data-claims-merchant': m.id,
      'data-claim-total': total.claim,
      'data-claim-paid': paidOf(total.paid),
      'data-claim-outstanding': total.outstanding,
    },
    h('h3', {}, fmt(p.partyClaimsOf, { name: m.name })),
    h('p', {}, progress(p, paidOf(total.paid), total.claim)),
    shown.length === 0
      ? h('p', { class: 'muted' }, role === 'insurer' ? p.partyClaimsNone : p.partyClaimsAll)
      : table<Claim>(
          [
            { label: p.partyCard, cell: (c) => h('span', { class: 'mono' }, c.card) },
            { label: p.partyClaim, cell: (c) => formatYuan(c.claim) },
            { label: p.partyPaidCustody, cell: (c) => formatYuan(c.paid.custody) },
            { label: p.partyPaidInsurance, cell: (c) => formatYuan(c.paid.insurance) },
            { label: p.partyPaidRefund, cell: (c) => formatYuan(c.paid.refund) },
            {
              label: p.partyOutstanding,
              cell: (c) =>
                h(
                  'span',
                  { class: c.outstanding > 0 ? 'pill pill-bad' : 'pill pill-ok' },
                  c.outstanding > 0 ? formatYuan(c.outstanding) : p.partyPaid,
                ),
            },
          ],
          shown,
          (c) => ({ 'data-claim': c.card, 'data-claim-merchant': m.id, 'data-outstanding': String(c.outstanding) }),
        ),
  );
};

export const loadParty = async (
  d: Dash,
  p: PartyMessages,
  role: PartyRole,
  title: HTMLElement,
  box: HTMLElement,
  claimsBox: HTMLElement,
) => {
  const { t } = d;
  fill(title, role === 'insurer' ? p.partyInsured : p.partyMerchants);
  try {
    const { body } = await d.session.get<{ merchants: PartyMerchant[] }>(`/v1/${role}s/${encodeURIComponent(d.session.id)}/merchants`);
    const merchants = role === 'insurer' ? body.merchants.filter((m) => m.status === 'closed') : body.merchants;
    if (merchants.length === 0) fill(box, h('p', { class: 'muted' }, role === 'insurer' ? p.partyNoClosed : p.partyNoMerchants));
    else
      fill(
        box,
        table<PartyMerchant>(
          [
            { label: t.regMerchant, cell: (m) => merchantCell(d, m) },
            {
              label: t.merchantStatus,
              cell: (m) =>
                h('span', { class: m.status === 'active' ? 'pill pill-ok' : 'pill pill-bad' }, lookup(t, `mstatus_${m.status}`, m.status)),
            },
            { label: p.partyCustody, cell: (m) => formatYuan(m.custody) },
            { label: p.partyRequired, cell: (m) => formatYuan(m.required) },
            { label: p.partyReleasable, cell: (m) => `${formatYuan(m.releasable.consumption)} / ${formatYuan(m.releasable.refund)}` },
            { label: t.regOutstanding, cell: (m) => formatYuan(m.outstanding) },
            { label: p.partyClaims, cell: (m) => (m.status === 'closed' ? progress(p, paidOf(m.claims.paid), m.claims.claim) : '—') },
          ],
          merchants,
          (m) => ({
            'data-party-merchant': m.id,
            'data-status': m.status,
            'data-custody': String(m.custody),
            'data-required': String(m.required),
            'data-releasable-consumption': String(m.releasable.consumption),
            'data-releasable-refund': String(m.releasable.refund),
          }),
        ),
      );
    const closed = merchants.filter((m) => m.status === 'closed');
    const blocks = await Promise.all(closed.map((m) => claimsBlock(d, p, role, m)));
    fill(claimsBox, blocks.length ? blocks : h('p', { class: 'muted' }, p.partyClaimsAll));
  } catch (e) {
    fill(box, errorLine(fmt(t.regError, { code: failureCode(e) })));
  }
};
