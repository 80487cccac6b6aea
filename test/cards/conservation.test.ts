/**
 * Money is conserved (SPEC §6), as a property: random sequences of valid and
 * invalid card operations, posted to the real service, against a small model
 * that predicts each outcome. After every operation, for every merchant:
 *   Σ card balances = issued + top-ups − consumed − refunded − compensated − paid out = outstanding,
 *   nothing is negative, custody = deposits − releases − payouts,
 *   releases never exceed what consumption resp. refunds back,
 *   required = ceil(pct × outstanding / 100);
 *   after a closure, the claims are the balances at close and claim = paid + outstanding;
 * holders consent (SPEC §14): keyed cards are issued with cosig.holder, refunded with it;
 * every rejection leaves the ledger unchanged; and at the end the verifier's
 * replay of the whole log agrees with what the service accepted.
 */
import fc from 'fast-check';
import { verifyLog, type SigningKey } from '../../ledger/index.js';
import type { Tier } from '../../schemas/cards.js';
import { CARD_CAP, COOLING_OFF_MS, requiredCustody } from '../../src/cards/policy.js';
import { Catalogue } from '../../src/domain/catalogue.js';
import { domainReplay } from '../../src/domain/replay.js';
import { ERROR_STATUS, type ErrorCode } from '../../src/errors.js';
import { DOMAINS } from '../../src/plugins.js';
import { ORIGIN } from '../helpers/fixture.js';
import { cardClaim, claimTotals } from '../../src/cards/claims.js';
import { cardState, HOUR, holderKey, issueBody, merchantState, startWorld, type World } from './helpers.js';

const MERCHANTS: Array<[string, Tier]> = [
  ['m-prop-scale', 'scale'],
  ['m-prop-full', 'full'],
  ['m-prop-other', 'other'],
];
const CARDS = ['P-0', 'P-1', 'P-2', 'P-3', 'P-4', 'P-5', 'P-6', 'P-7'];

type Op<A = Amount> =
  | { t: 'issue'; c: number; m: number; kind: 'named' | 'anonymous'; keyed: boolean; amount: A; company: boolean; transfer: boolean }
  | { t: 'topup'; c: number; amount: A; transfer: boolean; wrong: boolean }
  | { t: 'consume'; c: number; amount: A; cosign: boolean; wrong: boolean }
  | { t: 'refundRequest'; c: number; amount: A; coolingOff: boolean }
  | { t: 'refund'; c: number; amount: A; wrong: boolean; cosign: boolean }
  | { t: 'payout'; c: number; amount: A }
  | { t: 'deposit'; m: number; amount: A }
  | { t: 'release'; m: number; amount: A; purpose: 'consumption' | 'refund' }
  | { t: 'dispose'; m: number; action: 'warn' | 'suspendIssuing' | 'reinstate' | 'close' }
  | { t: 'compensate'; c: number; amount: A }
  | { t: 'advance'; hours: number };

const card = fc.nat(CARDS.length - 1);
const merchant = fc.nat(MERCHANTS.length - 1);
/**
 * An amount: mostly small, sometimes up to past every cap or at the caps and the
 * company-transfer threshold, and sometimes "the
 * boundary" of the operation (balance, room under the cap, releasable custody)
 * plus −1, 0 or +1, resolved against the model when the operation runs.
 */
const amount = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 40_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 600_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(100_000, 100_001, 499_999, 500_000) },
  { weight: 2, arbitrary: fc.constantFrom('edge-1' as const, 'edge+0' as const, 'edge+1' as const) },
);
type Amount = number | 'edge-1' | 'edge+0' | 'edge+1';
const rarely = fc.nat(7).map((n) => n === 0);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('issue' as const),
      c: card,
      m: merchant,
      kind: fc.constantFrom('named' as const, 'anonymous' as const),
      keyed: fc.boolean(),
      amount,
      company: fc.boolean(),
      transfer: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('topup' as const), c: card, amount, transfer: fc.boolean(), wrong: rarely }) },
  {
    weight: 4,
    arbitrary: fc.record({ t: fc.constant('consume' as const), c: card, amount, cosign: fc.nat(5).map((n) => n > 0), wrong: rarely }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('refundRequest' as const), c: card, amount, coolingOff: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('refund' as const), c: card, amount, wrong: rarely, cosign: fc.nat(3).map((n) => n > 0) }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('payout' as const), c: card, amount }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('deposit' as const), m: merchant, amount }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('release' as const),
      m: merchant,
      amount,
      purpose: fc.constantFrom('consumption' as const, 'refund' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('dispose' as const),
      m: merchant,
      action: fc.constantFrom('warn' as const, 'suspendIssuing' as const, 'reinstate' as const, 'close' as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('compensate' as const), c: card, amount }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('advance' as const), hours: fc.integer({ min: 1, max: 200 }) }) },
);

interface ModelCard {
  merchant: number;
  kind: 'named' | 'anonymous';
  keyed: boolean;
  company: boolean;
  balance: number;
  issuedAtMs: number;
}
interface ModelMerchant {
  status: 'active' | 'suspendedIssuing' | 'closed';
  totals: {
    issued: number;
    toppedUp: number;
    consumed: number;
    refunded: number;
    compensated: number;
    deposited: number;
    releasedConsumption: number;
    releasedRefund: number;
    paidOut: number;
  };
  /** The outstanding balance when it was closed. */
  claim?: number;
}

/** The SPEC §6 outcome of `o` in the model: an error code, or 'ok'. Written from the SPEC, independently of src/cards. */
const predict = (o: Op<number>, cards: Map<number, ModelCard>, ms: ModelMerchant[], nowMs: number): ErrorCode | 'ok' => {
  const sells = (m: ModelMerchant) =>
    m.status === 'suspendedIssuing' ? 'merchant_suspended' : m.status === 'closed' ? 'merchant_closed' : undefined;
  const c = 'c' in o ? cards.get(o.c) : undefined;
  switch (o.t) {
    case 'issue':
      return (
        sells(ms[o.m]) ??
        (c
          ? 'card_exists'
          : o.amount > CARD_CAP[o.kind]
            ? 'cap_exceeded'
            : o.company && o.amount >= 500_000 && !o.transfer
              ? 'payment_rule'
              : 'ok')
      );
    case 'topup':
      if (!c) return 'card_not_found';
      if (o.wrong) return 'forbidden';
      return (
        sells(ms[c.merchant]) ??
        (c.balance + o.amount > CARD_CAP[c.kind] ? 'cap_exceeded' : c.company && o.amount >= 500_000 && !o.transfer ? 'payment_rule' : 'ok')
      );
    case 'consume':
      if (!c) return 'card_not_found';
      if (o.wrong) return 'forbidden';
      if (ms[c.merchant].status === 'closed') return 'merchant_closed';
      if (c.keyed && !o.cosign) return 'holder_signature_required';
      if (!c.keyed && o.cosign) return 'invalid_event';
      return o.amount > c.balance ? 'insufficient_balance' : 'ok';
    case 'refundRequest':
      if (!c?.keyed) return 'unknown_actor';
      if (o.amount > c.balance) return 'insufficient_balance';
      return o.coolingOff && nowMs - c.issuedAtMs > COOLING_OFF_MS ? 'cooling_off_expired' : 'ok';
    case 'refund':
      if (!c) return 'card_not_found';
      if (o.wrong) return 'forbidden';
      if (o.amount > c.balance) return 'insufficient_balance';
      if (c.keyed && !o.cosign) return 'holder_signature_required';
      if (!c.keyed && o.cosign) return 'invalid_event';
      return 'ok';
    case 'payout': {
      if (!c) return 'card_not_found';
      if (ms[c.merchant].status !== 'closed') return 'merchant_not_closed';
      if (o.amount > c.balance) return 'insufficient_balance';
      const t = ms[c.merchant].totals;
      return o.amount > t.deposited - t.releasedConsumption - t.releasedRefund - t.paidOut ? 'custody_insufficient' : 'ok';
    }
    case 'deposit':
      return 'ok';
    case 'release': {
      const t = ms[o.m].totals;
      const backing = o.purpose === 'consumption' ? t.consumed - t.releasedConsumption : t.refunded - t.releasedRefund;
      const custody = t.deposited - t.releasedConsumption - t.releasedRefund - t.paidOut;
      const outstanding = t.issued + t.toppedUp - t.consumed - t.refunded - t.compensated - t.paidOut;
      if (o.amount > backing) return 'release_unbacked';
      return custody - o.amount < requiredCustody(MERCHANTS[o.m][1], outstanding) ? 'custody_ratio' : 'ok';
    }
    case 'dispose': {
      const s = ms[o.m].status;
      if (o.action === 'warn') return 'ok';
      if (s === 'closed') return 'merchant_closed';
      if (o.action === 'suspendIssuing' && s === 'suspendedIssuing') return 'invalid_event';
      if (o.action === 'reinstate' && s === 'active') return 'invalid_event';
      return 'ok';
    }
    case 'compensate':
      if (!c) return 'card_not_found';
      if (ms[c.merchant].status !== 'closed') return 'merchant_not_closed';
      return o.amount > c.balance ? 'insufficient_balance' : 'ok';
    case 'advance':
      return 'ok';
  }
};

/** The boundary an 'edge' amount is relative to, in the model's current state. */
const boundary = (o: Op, cards: Map<number, ModelCard>, ms: ModelMerchant[]): number => {
  const c = 'c' in o ? cards.get(o.c) : undefined;
  const figures = (m: number) => {
    const t = ms[m].totals;
    const outstanding = t.issued + t.toppedUp - t.consumed - t.refunded - t.compensated - t.paidOut;
    return {
      t,
      custody: t.deposited - t.releasedConsumption - t.releasedRefund - t.paidOut,
      required: requiredCustody(MERCHANTS[m][1], outstanding),
    };
  };
  switch (o.t) {
    case 'issue':
      return CARD_CAP[o.kind];
    case 'topup':
      return c ? CARD_CAP[c.kind] - c.balance : 1;
    case 'deposit': {
      const { custody, required } = figures(o.m);
      return required - custody;
    }
    case 'release': {
      const { t, custody, required } = figures(o.m);
      const backing = o.purpose === 'consumption' ? t.consumed - t.releasedConsumption : t.refunded - t.releasedRefund;
      return Math.min(backing, custody - required);
    }
    default:
      return c?.balance ?? 1;
  }
};

const resolveAmount = (o: Op, cards: Map<number, ModelCard>, ms: ModelMerchant[]): Op<number> => {
  if (!('amount' in o) || typeof o.amount === 'number') return o as Op<number>;
  const delta = Number(o.amount.slice(4));
  return { ...o, amount: Math.max(1, boundary(o, cards, ms) + delta) } as Op<number>;
};

/** Every run starts from a few cards and some custody, so most operations have something to act on. */
const PRELUDE: Op[] = [
  { t: 'issue', c: 0, m: 0, kind: 'named', keyed: true, amount: 300_000, company: false, transfer: false },
  { t: 'issue', c: 1, m: 1, kind: 'anonymous', keyed: true, amount: 80_000, company: false, transfer: false },
  { t: 'issue', c: 2, m: 2, kind: 'anonymous', keyed: false, amount: 50_000, company: true, transfer: false },
  { t: 'issue', c: 3, m: 0, kind: 'named', keyed: false, amount: 'edge+0', company: true, transfer: true },
  { t: 'deposit', m: 0, amount: 'edge+0' },
  { t: 'deposit', m: 1, amount: 'edge+0' },
];

const run = async (randomOps: Op[]): Promise<void> => {
  const ops = [...PRELUDE, ...randomOps];
  const w: World = await startWorld({ merchant: MERCHANTS[0][0], tier: MERCHANTS[0][1] });
  const { f } = w;
  try {
    const mkeys: SigningKey[] = [w.merchant];
    for (const [id, tier] of MERCHANTS.slice(1)) mkeys.push(await w.addMerchant(id, tier));
    const holders = CARDS.map((id) => holderKey(id));
    const cards = new Map<number, ModelCard>();
    const ms: ModelMerchant[] = MERCHANTS.map(() => ({
      status: 'active',
      totals: {
        issued: 0,
        toppedUp: 0,
        consumed: 0,
        refunded: 0,
        compensated: 0,
        deposited: 0,
        releasedConsumption: 0,
        releasedRefund: 0,
        paidOut: 0,
      },
    }));
    const owner = (c: number, fallback = 0) => cards.get(c)?.merchant ?? fallback;
    const poster = (c: number, wrong: boolean) => mkeys[(owner(c) + (wrong ? 1 : 0)) % mkeys.length];

    for (const raw of ops) {
      const o = resolveAmount(raw, cards, ms);
      if (o.t === 'advance') {
        f.clock.advance(o.hours * HOUR);
        continue;
      }
      const expected = predict(o, cards, ms, f.clock.ms);
      const id = 'c' in o ? CARDS[o.c] : '';
      const before = f.state();
      const res = await (() => {
        switch (o.t) {
          case 'issue':
            return f.post(
              mkeys[o.m],
              'card.issue',
              issueBody(id, o.amount, {
                kind: o.kind,
                holder: o.keyed ? holders[o.c] : null,
                purchaser: o.company ? 'company' : 'person',
                payment: o.transfer ? 'transfer' : 'cash',
              }),
              { holder: o.keyed ? holders[o.c] : undefined },
            );
          case 'topup':
            return f.post(poster(o.c, o.wrong), 'card.topup', { card: id, amount: o.amount, payment: o.transfer ? 'transfer' : 'cash' });
          case 'consume':
            return f.post(
              poster(o.c, o.wrong),
              'card.consume',
              { card: id, amount: o.amount },
              { holder: o.cosign ? holders[o.c] : undefined },
            );
          case 'refundRequest':
            return f.post(holders[o.c], 'card.refundRequest', {
              card: id,
              amount: o.amount,
              reason: o.coolingOff ? 'coolingOff' : 'service',
            });
          case 'refund':
            return f.post(
              poster(o.c, o.wrong),
              'card.refund',
              { card: id, amount: o.amount },
              { holder: o.cosign ? holders[o.c] : undefined },
            );
          case 'payout':
            return f.post(w.bank, 'custody.payout', { merchant: mkeys[owner(o.c)].id, card: id, amount: o.amount, ref: 'prop' });
          case 'deposit':
            return f.post(w.bank, 'custody.deposit', { merchant: mkeys[o.m].id, amount: o.amount, ref: 'prop' });
          case 'release':
            return f.post(w.bank, 'custody.release', { merchant: mkeys[o.m].id, amount: o.amount, purpose: o.purpose, ref: 'prop' });
          case 'dispose':
            return f.post(f.regulator, 'merchant.dispose', { merchant: mkeys[o.m].id, action: o.action, reason: 'prop' });
          case 'compensate':
            return f.post(w.insurer, 'insurance.compensate', { merchant: mkeys[owner(o.c)].id, card: id, amount: o.amount });
        }
      })();

      if (expected !== 'ok') {
        expect({ op: o, status: res.status, code: res.body.code }).toEqual({ op: o, status: ERROR_STATUS[expected], code: expected });
        expect(f.state()).toEqual(before);
        continue;
      }
      expect({ op: o, status: res.status, body: res.status === 201 ? 'receipt' : res.body }).toEqual({
        op: o,
        status: 201,
        body: 'receipt',
      });
      // Advance the model by what was accepted.
      const c = 'c' in o ? cards.get(o.c) : undefined;
      const t = (m: number) => ms[m].totals;
      if (o.t === 'issue') {
        cards.set(o.c, { merchant: o.m, kind: o.kind, keyed: o.keyed, company: o.company, balance: o.amount, issuedAtMs: f.clock.ms });
        t(o.m).issued += o.amount;
      } else if (o.t === 'topup') {
        c!.balance += o.amount;
        t(c!.merchant).toppedUp += o.amount;
      } else if (o.t === 'consume') {
        c!.balance -= o.amount;
        t(c!.merchant).consumed += o.amount;
      } else if (o.t === 'refund') {
        c!.balance -= o.amount;
        t(c!.merchant).refunded += o.amount;
      } else if (o.t === 'compensate') {
        c!.balance -= o.amount;
        t(c!.merchant).compensated += o.amount;
      } else if (o.t === 'payout') {
        c!.balance -= o.amount;
        t(c!.merchant).paidOut += o.amount;
      } else if (o.t === 'deposit') t(o.m).deposited += o.amount;
      else if (o.t === 'release') t(o.m)[o.purpose === 'consumption' ? 'releasedConsumption' : 'releasedRefund'] += o.amount;
      else if (o.t === 'dispose' && o.action !== 'warn') {
        ms[o.m].status = o.action === 'close' ? 'closed' : o.action === 'reinstate' ? 'active' : 'suspendedIssuing';
        if (o.action === 'close') {
          const u = t(o.m);
          ms[o.m].claim = u.issued + u.toppedUp - u.consumed - u.refunded - u.compensated - u.paidOut;
        }
      }

      checkConservation(w, mkeys, ms);
    }

    const entries = Array.from({ length: f.ledger.size }, (_, i) => f.ledger.entry(i)!);
    const report = await verifyLog(entries, {
      origin: ORIGIN,
      operatorKey: f.operator.publicKey,
      hook: domainReplay(new Catalogue(DOMAINS), { maxSkewS: 600 }),
      threads: 1,
    });
    expect(report.errors).toEqual([]);
  } finally {
    await f.close();
  }
};

/** The conservation invariants, read from the service's state, against the totals of what it accepted. */
const checkConservation = (w: World, mkeys: SigningKey[], ms: ModelMerchant[]): void => {
  mkeys.forEach((key, m) => {
    const t = ms[m].totals;
    const state = merchantState(w.f, key.id);
    const own = CARDS.map((id) => cardState(w.f, id)).filter((c) => c?.merchant === key.id);
    const sum = own.reduce((s, c) => s + c!.balance, 0);
    for (const c of own) {
      expect(c!.balance).toBeGreaterThanOrEqual(0);
      expect(c!.balance).toBe(c!.issued + c!.toppedUp - c!.consumed - c!.refunded - c!.compensated - c!.paidOut);
    }
    const expected = t.issued + t.toppedUp - t.consumed - t.refunded - t.compensated - t.paidOut;
    expect(sum).toBe(expected);
    if (!state) return expect(expected + t.deposited).toBe(0);
    expect(state).toMatchObject({ ...t, outstanding: expected, status: ms[m].status });
    expect(state.required).toBe(requiredCustody(MERCHANTS[m][1], state.outstanding));
    expect(state.custody).toBe(t.deposited - t.releasedConsumption - t.releasedRefund - t.paidOut);
    if (ms[m].claim !== undefined) {
      // Closure claims: the balances at close, each paid by custody, insurance or refund, or still outstanding.
      const totals = claimTotals(state);
      expect(totals.claim).toBe(ms[m].claim);
      expect(totals.paid.custody + totals.paid.insurance + totals.paid.refund + totals.outstanding).toBe(totals.claim);
      const claims = own.map((c) => cardClaim(c!, state)).filter((c) => c !== undefined);
      expect(claims.reduce((s, c) => s + c!.claim, 0)).toBe(totals.claim);
      expect(claims.length).toBe(totals.cards);
    }
    expect(state.custody).toBeGreaterThanOrEqual(0);
    expect(state.consumedUnreleased).toBe(t.consumed - t.releasedConsumption);
    expect(state.refundedUnreleased).toBe(t.refunded - t.releasedRefund);
    expect(Math.min(state.outstanding, state.consumedUnreleased, state.refundedUnreleased, state.required)).toBeGreaterThanOrEqual(0);
  });
};

test('when random valid and invalid card operations are posted, then money is conserved for every merchant and the replay agrees', async () => {
  await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 20, maxLength: 60 }), run), {
    numRuns: 30,
    endOnFailure: true,
    ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}),
  });
}, 300_000);
