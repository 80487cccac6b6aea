/**
 * The complaint desk (SPEC §14): the 12315 number, the merchant's response, and
 * GET /v1/complaints — regulators all, a merchant its own, a holder its card's —
 * with filters and overdue marks.
 */
import type { SigningKey } from '../../ledger/index.js';
import { DAY, accepted, asHolder, holderKey, issue, rejected, startWorld, type World } from './helpers.js';

let w: World;
let holder: SigningKey;
let other: SigningKey;
beforeEach(async () => {
  w = await startWorld();
  holder = holderKey('C-1');
  await accepted(issue(w.f, w.merchant, 'C-1', 50_000, { holder }));
  other = await w.addMerchant('m-bakery-02', 'group');
});
afterEach(() => w.f.close());

const file = (key: SigningKey, id: string, extra: Record<string, unknown> = {}) =>
  w.f.post(key, 'complaint.file', { complaint: id, merchant: w.merchant.id, category: 'service', summary: `summary of ${id}`, ...extra });
const respond = (key: SigningKey, id: string, response = '已联系顾客，本周退款。') =>
  w.f.post(key, 'complaint.respond', { complaint: id, response });
const list = (query: string, key?: SigningKey, keyid?: string) => w.f.get(`/v1/complaints${query}`, key, keyid);

describe('complaint.file with a 12315 number, and complaint.respond', () => {
  test('when the desk files with ref12315 and the merchant responds, then both are on the complaint', async () => {
    await accepted(file(w.f.regulator, 'CMP-1', { ref12315: '3310022026112200017' }));
    await accepted(respond(w.merchant, 'CMP-1'));
    const res = await list('', w.f.regulator);
    expect(res.body.complaints[0]).toMatchObject({
      complaint: 'CMP-1',
      ref12315: '3310022026112200017',
      summary: 'summary of CMP-1',
      response: { text: '已联系顾客，本周退款。' },
      responses: 1,
      status: 'open',
      overdue: false,
    });
  });

  test('when the ref12315 is malformed, then 400 invalid_event', async () => {
    await rejected(w.f, file(w.f.regulator, 'CMP-1', { ref12315: '12315 / <script>' }), 400, 'invalid_event');
  });

  test('when another merchant or a regulator responds, then 403 forbidden', async () => {
    await accepted(file(w.f.regulator, 'CMP-1'));
    await rejected(w.f, respond(other, 'CMP-1'), 403, 'forbidden');
    await rejected(w.f, respond(w.f.regulator, 'CMP-1'), 403, 'forbidden');
  });

  test('when the complaint is unknown or resolved, then complaint_not_found resp. complaint_not_open; over 500 characters, invalid_event', async () => {
    await rejected(w.f, respond(w.merchant, 'CMP-404'), 404, 'complaint_not_found');
    await accepted(file(w.f.regulator, 'CMP-1'));
    await rejected(w.f, respond(w.merchant, 'CMP-1', 'x'.repeat(501)), 400, 'invalid_event');
    await accepted(w.f.post(w.merchant, 'complaint.resolve', { complaint: 'CMP-1', outcome: 'mediated' }));
    await rejected(w.f, respond(w.merchant, 'CMP-1'), 422, 'complaint_not_open');
  });
});

describe('GET /v1/complaints', () => {
  beforeEach(async () => {
    await accepted(
      asHolder(w.f, holder, 'C-1', 'complaint.file', {
        complaint: 'CMP-H',
        merchant: w.merchant.id,
        card: 'C-1',
        category: 'refund',
        summary: 'h',
      }),
    );
    await accepted(file(w.f.regulator, 'CMP-D'));
    await accepted(w.f.post(w.f.regulator, 'complaint.file', { complaint: 'CMP-O', merchant: other.id, category: 'fraud', summary: 'o' }));
  });
  const ids = (res: { body: { complaints: Array<{ complaint: string }> } }) => res.body.complaints.map((c) => c.complaint);

  test('when a regulator lists, then every complaint, newest first, filtered by merchant, card and status', async () => {
    expect(ids(await list('', w.f.regulator))).toEqual(['CMP-O', 'CMP-D', 'CMP-H']);
    expect(ids(await list(`?merchant=${w.merchant.id}`, w.f.regulator))).toEqual(['CMP-D', 'CMP-H']);
    expect(ids(await list('?card=C-1', w.f.regulator))).toEqual(['CMP-H']);
    await accepted(w.f.post(w.f.regulator, 'complaint.resolve', { complaint: 'CMP-D', outcome: 'upheld' }));
    expect(ids(await list('?status=open', w.f.regulator))).toEqual(['CMP-O', 'CMP-H']);
    expect(ids(await list('?status=resolved', w.f.regulator))).toEqual(['CMP-D']);
  });

  test('when a merchant lists, then only its own; asking for another merchant is 403 forbidden', async () => {
    expect(ids(await list('', w.merchant))).toEqual(['CMP-D', 'CMP-H']);
    expect(ids(await list('', other))).toEqual(['CMP-O']);
    const res = await list(`?merchant=${other.id}`, w.merchant);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'forbidden' });
  });

  test("when a holder lists, then only its card's; another card is 403 forbidden", async () => {
    expect(ids(await list('', holder))).toEqual(['CMP-H']);
    const res = await list('?card=C-2', holder);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'forbidden' });
  });

  test('when a custodian lists or nobody signs, then 403 forbidden resp. 401 unauthenticated', async () => {
    const bank = await list('', w.bank);
    expect({ status: bank.status, code: bank.body.code }).toEqual({ status: 403, code: 'forbidden' });
    const anon = await list('');
    expect({ status: anon.status, code: anon.body.code }).toEqual({ status: 401, code: 'unauthenticated' });
  });

  test('when a complaint has been open for more than 7 days, then it is marked overdue', async () => {
    w.f.clock.advance(7 * DAY);
    expect((await list('?card=C-1', w.f.regulator)).body.complaints[0].overdue).toBe(false);
    w.f.clock.advance(1);
    expect((await list('?card=C-1', w.f.regulator)).body.complaints[0].overdue).toBe(true);
  });

  test('when the list is paged, then next continues where it stopped', async () => {
    const first = await list('?limit=2', w.f.regulator);
    expect(ids(first)).toEqual(['CMP-O', 'CMP-D']);
    const second = await w.f.get(first.body.next, w.f.regulator);
    expect(ids(second)).toEqual(['CMP-H']);
    expect(second.body.next).toBeNull();
  });
});
