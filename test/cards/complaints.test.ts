/** complaint.file and complaint.resolve: who may post them and every rejection (SPEC §5, §6). */
import type { SigningKey } from '../../ledger/index.js';
import { asHolder, holderKey, issue, merchantState, startWorld, type World } from './helpers.js';
import { accepted, rejected } from '../helpers/outcomes.js';

let w: World;
let holder: SigningKey;
beforeEach(async () => {
  w = await startWorld();
  holder = holderKey('C-1');
  await accepted(issue(w.f, w.merchant, 'C-1', 50_000, { holder }));
});
afterEach(() => w.f.close());

const complaint = (id: string, extra: Record<string, unknown> = {}) => ({
  complaint: id,
  merchant: w.merchant.id,
  card: 'C-1',
  category: 'service',
  summary: 'The pool has been closed for three weeks.',
  ...extra,
});
const byHolder = (body: Record<string, unknown>) => asHolder(w.f, holder, 'C-1', 'complaint.file', body);
const resolve = (key: SigningKey, id: string, outcome = 'upheld') => w.f.post(key, 'complaint.resolve', { complaint: id, outcome });

describe('complaint.file', () => {
  test('when a holder files about its card, then the merchant has one open complaint', async () => {
    await accepted(byHolder(complaint('CMP-1')));
    expect(merchantState(w.f, w.merchant.id)).toMatchObject({ complaintsOpen: 1, complaintsTotal: 1 });
  });

  test('when the complaint id is taken, then 409 complaint_exists', async () => {
    await accepted(byHolder(complaint('CMP-1')));
    await rejected(w.f, w.f.post(w.f.regulator, 'complaint.file', complaint('CMP-1')), 409, 'complaint_exists');
  });

  test('when the summary is longer than 500 characters, then 400 invalid_event; 500 is fine', async () => {
    await rejected(w.f, byHolder(complaint('CMP-1', { summary: 'x'.repeat(501) })), 400, 'invalid_event');
    await accepted(byHolder(complaint('CMP-1', { summary: '游'.repeat(500) })));
  });

  test('when a holder files about another card or about no card, then 403 forbidden', async () => {
    await accepted(issue(w.f, w.merchant, 'C-2', 10_000, { holder: holderKey('C-2') }));
    await rejected(w.f, byHolder(complaint('CMP-1', { card: 'C-2' })), 403, 'forbidden');
    const { card: _, ...noCard } = complaint('CMP-1');
    await rejected(w.f, byHolder(noCard), 403, 'forbidden');
  });

  test('when the complaint desk files about no card, then it is accepted; about an unknown card, 404 card_not_found', async () => {
    const { card: _, ...noCard } = complaint('CMP-1');
    await accepted(w.f.post(w.f.regulator, 'complaint.file', noCard));
    await rejected(w.f, w.f.post(w.f.regulator, 'complaint.file', complaint('CMP-2', { card: 'C-404' })), 404, 'card_not_found');
  });

  test('when the card belongs to another merchant, then 400 invalid_event', async () => {
    const other = await w.addMerchant('m-spa-02', 'group');
    await rejected(w.f, byHolder(complaint('CMP-1', { merchant: other.id })), 400, 'invalid_event');
  });

  test('when the merchant is not a registered merchant, then 404 not_found', async () => {
    await rejected(
      w.f,
      w.f.post(w.f.regulator, 'complaint.file', complaint('CMP-1', { merchant: 'm-nobody', card: undefined })),
      404,
      'not_found',
    );
  });

  test('when a merchant files a complaint, then 403 forbidden', async () => {
    await rejected(w.f, w.f.post(w.merchant, 'complaint.file', complaint('CMP-1')), 403, 'forbidden');
  });
});

describe('complaint.resolve', () => {
  beforeEach(async () => {
    await accepted(byHolder(complaint('CMP-1')));
  });

  test('when the complaint is unknown, then 404 complaint_not_found', async () => {
    await rejected(w.f, resolve(w.f.regulator, 'CMP-404'), 404, 'complaint_not_found');
  });

  test('when it was already resolved, then 422 complaint_not_open', async () => {
    await accepted(resolve(w.merchant, 'CMP-1', 'mediated'));
    await rejected(w.f, resolve(w.f.regulator, 'CMP-1'), 422, 'complaint_not_open');
    expect(merchantState(w.f, w.merchant.id)).toMatchObject({ complaintsOpen: 0, complaintsTotal: 1 });
  });

  test('when another merchant resolves it, then 403 forbidden; a regulator may', async () => {
    const other = await w.addMerchant('m-spa-02', 'group');
    await rejected(w.f, resolve(other, 'CMP-1'), 403, 'forbidden');
    await rejected(w.f, resolve(holder, 'CMP-1'), 403, 'forbidden');
    await accepted(resolve(w.f.regulator, 'CMP-1', 'rejected'));
  });
});
