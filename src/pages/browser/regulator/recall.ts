/**
 * The recall view (GET /v1/regulator/recall/{code}): the lot and everything made
 * from it, with who holds how much, what is on the road, what was sold and
 * disposed of — what a regulator needs to carry a recall out.
 */
import { h, fill } from '../dom.js';
import { formatNumber } from '../format.js';
import { fmt, lookup } from '../messages.js';
import { failureCode } from '../session.js';
import { errorLine, table, type Dash, type RecallView } from './shared.js';

type Line = RecallView['lots'][number];

export const loadRecall = async (d: Dash, code: string, box: HTMLElement): Promise<void> => {
  const { t } = d;
  fill(box, h('p', { class: 'muted' }, t.regLoading));
  try {
    const { body } = await d.session.get<RecallView>(`/v1/regulator/recall/${encodeURIComponent(code)}`);
    const lang = d.lang === 'en' ? '?lang=en' : '';
    fill(
      box,
      table<Line>(
        [
          {
            label: t.regRecallLot,
            cell: (l) => [
              h('a', { href: `/trace/${encodeURIComponent(l.code)}${lang}` }, l.code),
              h('br'),
              h('span', { class: 'small' }, l.product.name),
            ],
          },
          { label: t.regRecallDepth, cell: (l) => l.depth },
          {
            label: t.regStatus,
            cell: (l) =>
              h('span', { class: l.status === 'active' ? 'pill pill-ok' : 'pill pill-bad' }, lookup(t, `lstatus_${l.status}`, l.status)),
          },
          {
            label: t.regRecallHoldings,
            cell: (l) => (l.holdings.length ? l.holdings.map((x) => h('div', {}, `${x.actor}: ${formatNumber(x.amount)}`)) : t.none),
          },
          {
            label: t.regRecallTransit,
            cell: (l) =>
              l.inTransit.length
                ? l.inTransit.map((x) =>
                    h('div', {}, `${x.shipment}: ${x.from} → ${x.to}${x.carrier ? ` (${x.carrier})` : ''} ${formatNumber(x.amount)}`),
                  )
                : t.none,
          },
          { label: t.regRecallSold, cell: (l) => formatNumber(l.sold) },
          { label: t.regRecallDisposed, cell: (l) => formatNumber(l.disposed) },
        ],
        body.lots,
        (l) => ({ 'data-lot': l.code, 'data-lot-status': l.status }),
      ),
    );
  } catch (e) {
    fill(box, errorLine(fmt(t.regError, { code: failureCode(e) })));
  }
};
