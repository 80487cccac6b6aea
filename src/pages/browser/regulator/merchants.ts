/**
 * Merchants ranked by risk (GET /v1/regulator/merchants: lowest stars first, kept
 * in that order). Each row carries `data-merchant` and `data-stars` (SPEC §11)
 * and a custody ratio bar: custody / required on a 0–150 % scale with a mark at
 * 100 %, drawn as SVG attributes (the CSP allows no inline styles).
 */
import { h, fill } from '../dom.js';
import { formatYuan } from '../format.js';
import { fmt, lookup } from '../messages.js';
import { failureCode } from '../session.js';
import { errorLine, table, type Dash, type MerchantFull } from './shared.js';

const SCALE = 1.5;

const ratioBar = (m: MerchantFull): HTMLElement => {
  const ratio = m.required === 0 ? 1 : m.custody / m.required;
  const width = Math.max(0, Math.min(100, (ratio / SCALE) * 100));
  const tone = ratio >= 1 ? 'ok' : ratio >= 0.8 ? 'warn' : 'bad';
  const mark = 100 / SCALE;
  return h(
    'span',
    { class: 'ratio' },
    h(
      'svg',
      { viewBox: '0 0 100 10', preserveAspectRatio: 'none', class: 'ratio-bar', 'aria-hidden': 'true' },
      h('rect', { class: 'ratio-bg', x: 0, y: 0, width: 100, height: 10 }),
      h('rect', { class: `ratio-fill ${tone}`, x: 0, y: 0, width: width.toFixed(1), height: 10 }),
      h('line', { class: 'ratio-mark', x1: mark.toFixed(1), x2: mark.toFixed(1), y1: 0, y2: 10 }),
    ),
    h('span', { class: `ratio-text ${tone}` }, m.required === 0 ? '—' : `${Math.round(ratio * 100)}%`),
    h('span', { class: 'small muted' }, ` ${formatYuan(m.custody)} / ${formatYuan(m.required)}`),
  );
};

export const loadMerchants = async (d: Dash, box: HTMLElement): Promise<void> => {
  const { t } = d;
  try {
    const { body } = await d.session.get<{ merchants: MerchantFull[] }>('/v1/regulator/merchants');
    if (body.merchants.length === 0) return fill(box, h('p', { class: 'muted' }, t.regNoMerchants));
    const lang = d.lang === 'en' ? '?lang=en' : '';
    fill(
      box,
      table<MerchantFull>(
        [
          {
            label: t.regMerchant,
            cell: (m) => [
              h('a', { href: `/m/${encodeURIComponent(m.id)}${lang}` }, m.name),
              h('br'),
              h('span', { class: 'mono small muted' }, m.id),
            ],
          },
          {
            label: t.stars,
            cell: (m) =>
              h(
                'span',
                { class: 'stars-inline', 'aria-label': fmt(t.starsOf, { n: m.stars }) },
                '★'.repeat(m.stars),
                h('span', { class: 'off' }, '★'.repeat(Math.max(0, 5 - m.stars))),
              ),
          },
          {
            label: t.merchantStatus,
            cell: (m) =>
              h('span', { class: m.status === 'active' ? 'pill pill-ok' : 'pill pill-bad' }, lookup(t, `mstatus_${m.status}`, m.status)),
          },
          { label: t.regCustodyRatio, cell: ratioBar },
          { label: t.regOutstanding, cell: (m) => formatYuan(m.outstanding) },
          { label: t.regComplaints, cell: (m) => `${m.complaintsOpen} / ${m.complaintsTotal}` },
        ],
        body.merchants,
        (m) => ({ 'data-merchant': m.id, 'data-stars': String(m.stars) }),
      ),
    );
  } catch (e) {
    fill(box, errorLine(fmt(t.regError, { code: failureCode(e) })));
  }
};
