/**
 * The verifier replays the card rules (SPEC §9): a log whose hashes, signatures
 * and checkpoints are all valid, but into which an entry was written past
 * admission, fails verification naming that entry's index and rule.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyExport, type SigningKey } from '../../ledger/index.js';
import { Catalogue } from '../../src/domain/catalogue.js';
import { domainReplay } from '../../src/domain/replay.js';
import { DOMAINS } from '../../src/plugins.js';
import { ORIGIN, signEvent } from '../helpers/fixture.js';
import { holderKey, issue, startWorld, type World } from './helpers.js';
import { accepted } from '../helpers/outcomes.js';

let w: World;
let holder: SigningKey;
let dir: string;
beforeEach(async () => {
  w = await startWorld();
  holder = holderKey('C-1');
  await accepted(issue(w.f, w.merchant, 'C-1', 30_000, { holder }));
  await accepted(w.f.post(w.merchant, 'card.consume', { card: 'C-1', amount: 10_000 }, { holder }));
  dir = mkdtempSync(join(tmpdir(), 'anxin-export-'));
});
afterEach(async () => {
  await w.f.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Appends a correctly signed event with no admission at all, as a dishonest operator could. */
const forge = async (key: SigningKey, type: string, body: unknown, o: { holder?: SigningKey } = {}): Promise<number> => {
  const env = signEvent(key, type, body, w.f.clock, o);
  const { value } = await w.f.ledger.transact((tx) => tx.append(env));
  return value;
};

/** Exports the ledger to NDJSON and verifies it as `anxin verify --export` does. */
const verifyExported = async () => {
  const path = join(dir, 'ledger.ndjson');
  const out = createWriteStream(path);
  await w.f.ledger.exportNdjson((line) => out.write(line) || once(out, 'drain'));
  out.end();
  await once(out, 'finish');
  return verifyExport(path, {
    origin: ORIGIN,
    operatorKey: w.f.operator.publicKey,
    hook: domainReplay(new Catalogue(DOMAINS), { maxSkewS: 600 }),
    threads: 1,
  });
};

test('when the honest log is exported, then it verifies', async () => {
  const report = await verifyExported();
  expect(report.errors).toEqual([]);
  expect(report.ok).toBe(true);
});

test('when an overspending consumption is forged into the log, then verification names its index with insufficient_balance', async () => {
  const forged = await forge(w.merchant, 'card.consume', { card: 'C-1', amount: 25_000 }, { holder });
  // Honest entries after it still replay: the forged one changed no state.
  await accepted(w.f.post(w.merchant, 'card.consume', { card: 'C-1', amount: 20_000 }, { holder }));
  const report = await verifyExported();
  expect(report.ok).toBe(false);
  expect(report.errors[0]).toMatchObject({ index: forged, code: 'insufficient_balance' });
  expect(report.errors).toHaveLength(1);
});

test.each([
  [
    'a consumption without the holder co-signature',
    'holder_signature_required',
    () => forge(w.merchant, 'card.consume', { card: 'C-1', amount: 1_000 }),
  ],
  [
    'a release of custody nothing backs',
    'release_unbacked',
    () => forge(w.bank, 'custody.release', { merchant: w.merchant.id, amount: 10_001, purpose: 'consumption', ref: 'x' }),
  ],
  [
    'compensation before any closure',
    'merchant_not_closed',
    () => forge(w.insurer, 'insurance.compensate', { merchant: w.merchant.id, card: 'C-1', amount: 1_000 }),
  ],
  ['a card over its cap', 'cap_exceeded', () => forge(w.merchant, 'card.topup', { card: 'C-1', amount: 480_001, payment: 'transfer' })],
  [
    'a keyed card issued without its holder (SPEC §14)',
    'holder_signature_required',
    () =>
      forge(w.merchant, 'card.issue', {
        card: 'C-2',
        kind: 'anonymous',
        amount: 1_000,
        holderKey: holderKey('C-2').publicKey,
        payment: 'cash',
        purchaser: 'person',
      }),
  ],
  [
    'a refund of a keyed card without the holder',
    'holder_signature_required',
    () => forge(w.merchant, 'card.refund', { card: 'C-1', amount: 1_000 }),
  ],
  [
    'a payout from custody before any closure',
    'merchant_not_closed',
    () => forge(w.bank, 'custody.payout', { merchant: w.merchant.id, card: 'C-1', amount: 1_000, ref: 'x' }),
  ],
  [
    'an import after the 30-day window',
    'import_closed',
    async () => {
      w.f.clock.advance(31 * 24 * 3600_000);
      return forge(w.merchant, 'card.import', {
        card: 'OLD-1',
        kind: 'anonymous',
        balance: 1_000,
        issuedAt: '2025-01-01T00:00:00.000Z',
        payment: 'cash',
        purchaser: 'person',
      });
    },
  ],
])('when %s is forged into the log, then verification names it with %s', async (_what, code, doForge) => {
  const forged = await doForge();
  const report = await verifyExported();
  expect(report.errors[0]).toMatchObject({ index: forged, code });
});

test('when a payout larger than custody is forged after a closure, then verification names it with custody_insufficient', async () => {
  await accepted(w.f.post(w.f.regulator, 'merchant.dispose', { merchant: w.merchant.id, action: 'close', reason: 'r' }));
  await accepted(w.f.post(w.bank, 'custody.deposit', { merchant: w.merchant.id, amount: 5_000, ref: 'd' }));
  const forged = await forge(w.bank, 'custody.payout', { merchant: w.merchant.id, card: 'C-1', amount: 5_001, ref: 'x' });
  const report = await verifyExported();
  expect(report.errors[0]).toMatchObject({ index: forged, code: 'custody_insufficient' });
});
