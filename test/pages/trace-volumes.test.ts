/**
 * The trace page's volume chart (SPEC §15) and recall line as HTTP answers
 * (supertest on the real app over a real LevelDB): the chart sums the amounts
 * the lot's own events carry per stage, beside the cold-chain chart, as inline
 * SVG with classes only; a recalled lot says when it was recalled and by when.
 */
import request from 'supertest';
import { startFixture, type Fixture } from '../helpers/fixture.js';
import { lotVolumes } from '../../src/pages/trace/volume-chart.js';

let f: Fixture;

beforeAll(async () => {
  f = await startFixture();
  const farm = await f.register('farm-1', 'producer');
  const processor = await f.register('proc-1', 'processor');
  const shop = await f.register('shop-1', 'retailer');
  const ok = async (req: request.Test) => {
    const res = await req;
    expect([res.status, res.body.code]).toEqual([201, undefined]);
  };
  const product = { name: '大黄鱼', category: 'aquatic' };
  await ok(
    f.post(farm, 'lot.create', {
      code: 'VOL-1',
      product,
      quantity: { amount: 100.5, unit: 'kg' },
      storage: 'chilled',
      origin: { place: '大陈岛' },
    }),
  );
  await ok(f.post(farm, 'lot.ship', { shipment: 'SH-1', code: 'VOL-1', amount: 60.25, to: 'proc-1' }));
  await ok(f.post(processor, 'lot.receive', { shipment: 'SH-1', amount: 60 }));
  await ok(
    f.post(processor, 'lot.transform', {
      inputs: [{ code: 'VOL-1', amount: 50 }],
      outputs: [{ code: 'VOL-F', product: { ...product, name: '鱼柳' }, quantity: { amount: 30, unit: 'kg' }, storage: 'chilled' }],
    }),
  );
  await ok(f.post(processor, 'lot.ship', { shipment: 'SH-2', code: 'VOL-F', amount: 30, to: 'shop-1' }));
  await ok(f.post(shop, 'lot.receive', { shipment: 'SH-2', amount: 30 }));
  await ok(f.post(shop, 'lot.sell', { code: 'VOL-F', amount: 12 }));
  await ok(f.post(shop, 'lot.dispose', { code: 'VOL-F', amount: 2, reason: '破损' }));
  await ok(f.post(f.regulator, 'lot.recall', { code: 'VOL-F', level: 2, reason: '抽检不合格' }));
});

afterAll(() => f.close());

const page = (path: string, lang = 'zh-CN') => request(f.app).get(path).set('Accept-Language', lang);
const stages = (html: string) =>
  Object.fromEntries([...html.matchAll(/<g class="vol" data-stage="(\w+)" data-amount="([\d.]+)">/g)].map((m) => [m[1], Number(m[2])]));

describe('the volume chart of the trace page', () => {
  test('when a lot was made, shipped, received and used in processing, then each stage shows the sum its events carry', async () => {
    const res = await page('/trace/VOL-1');
    expect(res.status).toBe(200);
    expect(stages(res.text)).toEqual({ created: 100.5, shipped: 60.25, received: 60, processed: 50 });
    expect(res.text).toContain('数量流向');
    expect(res.text).toContain('>100.5 kg</text>');
  });

  test('when the output lot of a transformation was sold and disposed of, then its chart starts from the output quantity', async () => {
    const res = await page('/trace/VOL-F', 'en');
    expect(stages(res.text)).toEqual({ created: 30, shipped: 30, received: 30, sold: 12, disposed: 2 });
    expect(res.text).toContain('Volumes through the chain');
  });

  test('it sits right after the cold-chain chart, and is markup only: no script, no style attribute, bars as wide as their share', async () => {
    const html = (await page('/trace/VOL-1')).text;
    const cold = html.indexOf('<h2>冷链温度</h2>');
    const volumes = html.indexOf('<h2>数量流向</h2>');
    expect(cold).toBeGreaterThan(0);
    expect(volumes).toBeGreaterThan(cold);
    expect(html.slice(cold, volumes).match(/<section/g)).toHaveLength(1); // the next card
    const svg = html.slice(html.indexOf('<svg class="chart volumes"'), html.indexOf('</svg>', html.indexOf('<svg class="chart volumes"')));
    expect(svg).not.toMatch(/<script|style=|on\w+=/i);
    const widths = [...svg.matchAll(/<rect class="bar bar-(\w+)"[^>]* width="([\d.]+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(widths.map(([s]) => s)).toEqual(['created', 'shipped', 'received', 'processed']);
    const full = widths[0][1] as number;
    expect(widths[1][1]).toBeCloseTo((full * 60.25) / 100.5, 0);
    expect(widths[3][1]).toBeCloseTo((full * 50) / 100.5, 0);
  });

  test('when the lot is recalled, then the consumer reads when it was recalled and its deadline (48 h for level 2), in either language', async () => {
    const zh = (await page('/trace/VOL-F')).text;
    expect(zh).toMatch(/召回于 .+，须于 .+ 前完成/);
    const en = (await page('/trace/VOL-F', 'en')).text;
    expect(en).toMatch(/Recalled on .+, deadline .+/);
    const recall = (await request(f.app).get('/v1/trace/VOL-F')).body.timeline.find(
      (e: { event: { type: string } }) => e.event.type === 'lot.recall',
    );
    expect(zh).toContain(`data-recall-deadline="${new Date(Date.parse(recall.at) + 48 * 3_600_000).toISOString()}"`);
  });
});

describe('lotVolumes', () => {
  test('when the same entry is listed twice (under two lots), then it is counted once', () => {
    const item = {
      lot: 'A',
      index: 3,
      at: '2026-11-22T08:00:00.000Z',
      leaf: '',
      actor: { id: 'x', name: 'x', role: 'producer' as const },
      event: { type: 'lot.sell', body: { code: 'A', amount: 0.1 } },
    };
    const timeline = [item, item, { ...item, index: 4, event: { type: 'lot.sell', body: { code: 'A', amount: 0.2 } } }] as never;
    expect(lotVolumes('A', timeline).sold).toBe(0.3);
  });
});
