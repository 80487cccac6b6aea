/**
 * A deterministic, realistic workload for the benchmark ledger: merchants of
 * every custody tier issuing prepaid cards (named cards with holder keys whose
 * consumption is co-signed), the custodian bank keeping custody at the required
 * ratio and releasing it against consumption, complaints; and cold-chain food
 * journeys (farm lot → inspection → shipment with temperature readings →
 * processor → fillet lots → retailers → sales). A few merchants skip deposits
 * and a few shipments run warm, so regulators have anomalies to look at.
 *
 * Every event it produces is valid in order: the benchmark appends them through
 * the service's own admission (rules included) and fails on any rejection.
 * Events of one batch share one `at`; the simulated clock advances per batch.
 */
import { createHash } from 'node:crypto';
import { cosignEnvelope, nodeSuite, signEnvelope, toBase64Url, type Envelope, type SigningKey } from '../ledger/index.js';

/** mulberry32: small, fast, deterministic. */
const rng = (seed: number) => () => {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const seedFor = (label: string): Uint8Array => new Uint8Array(createHash('sha256').update(`anxin-bench/${label}`).digest());
export const benchKey = (id: string): SigningKey => {
  const seed = seedFor(id);
  return { id, seed, publicKey: toBase64Url(nodeSuite.publicKey(seed)) };
};

const TIERS = [
  ['scale', 20],
  ['group', 30],
  ['brand', 40],
  ['other', 0],
  ['full', 100],
] as const;

interface Merchant {
  id: string;
  key: SigningKey;
  pct: number;
  outstanding: number;
  custody: number;
  consumedUnreleased: number;
  /** Skips deposits: custody falls short (an anomaly for regulators). */
  negligent: boolean;
  cards: Card[];
}

interface Card {
  id: string;
  balance: number;
  cap: number;
  holder?: SigningKey;
}

interface Step {
  actor: SigningKey;
  /** The envelope's actor when it is not the key's id (card:<id> for a holder). */
  as?: string;
  type: string;
  body: (at: number) => unknown;
  holder?: SigningKey;
}

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

export interface WorkloadOptions {
  /** Regulator key (the genesis root regulator). */
  regulator: SigningKey;
  /** Simulated start time (ms) and advance per batch (ms). */
  startMs: number;
  msPerBatch: number;
  seed?: number;
}

export class Workload {
  private readonly random: () => number;
  private readonly merchants: Merchant[] = [];
  private readonly producers: SigningKey[] = [];
  private readonly processors: SigningKey[] = [];
  private readonly carriers: SigningKey[] = [];
  private readonly retailers: SigningKey[] = [];
  private readonly inspector = benchKey('inspector-zj-01');
  private readonly bank = benchKey('bank-taizhou-01');
  private readonly insurer = benchKey('insurer-pingan-01');
  private readonly queue: Step[] = [];
  /** Food journeys in progress: each a list of steps still to post, one per turn. */
  private readonly journeys: Step[][] = [];
  private clockMs: number;
  private serial = 0;
  private journeyCount = 0;
  private complaintsOpen: string[] = [];
  /** The codes of the showcase lot (for the trace benchmark): farm → fillet → pack. */
  readonly showcase = { farm: 'DC-SHOW-FARM', fillet: 'DC-SHOW-FILLET', pack: 'DC-SHOW-PACK' };
  private showcaseStarted = false;

  constructor(private readonly options: WorkloadOptions) {
    this.random = rng(options.seed ?? 20261202);
    this.clockMs = options.startMs;
    this.setup();
  }

  get now(): number {
    return this.clockMs;
  }

  private register(id: string, role: string, extra: Record<string, unknown> = {}): SigningKey {
    const key = benchKey(id);
    this.queue.push({
      actor: this.options.regulator,
      type: 'actor.register',
      body: () => ({ id, role, name: `${role} ${id}`, publicKey: key.publicKey, region: '台州市椒江区', ...extra }),
    });
    return key;
  }

  private setup(): void {
    this.register(this.bank.id, 'custodian');
    this.register(this.insurer.id, 'insurer');
    this.register(this.inspector.id, 'inspector');
    for (let i = 0; i < 200; i++) {
      const [tier, pct] = TIERS[i % TIERS.length];
      const id = `m-${tier}-${String(i).padStart(3, '0')}`;
      const key = this.register(id, 'merchant', { merchant: { tier, custodian: this.bank.id, insurer: this.insurer.id } });
      this.merchants.push({ id, key, pct, outstanding: 0, custody: 0, consumedUnreleased: 0, negligent: i % 37 === 5, cards: [] });
    }
    for (let i = 0; i < 40; i++) this.producers.push(this.register(`p-farm-${i}`, 'producer'));
    for (let i = 0; i < 20; i++) this.processors.push(this.register(`pr-plant-${i}`, 'processor'));
    for (let i = 0; i < 20; i++) this.carriers.push(this.register(`c-cold-${i}`, 'carrier'));
    for (let i = 0; i < 60; i++) this.retailers.push(this.register(`r-shop-${i}`, 'retailer'));
  }

  private pick<T>(xs: T[]): T {
    return xs[Math.floor(this.random() * xs.length)];
  }

  private id(prefix: string): string {
    return `${prefix}-${(this.serial++).toString(36).padStart(7, '0')}`;
  }

  // ---- cards -------------------------------------------------------------------------------

  private required(m: Merchant): number {
    return Math.ceil((m.pct * m.outstanding) / 100);
  }

  /** Deposits what keeps custody at the required ratio (unless the merchant is negligent). */
  private topUpCustody(m: Merchant): void {
    const short = this.required(m) - m.custody;
    if (short <= 0 || m.negligent) return;
    const amount = short + 1000;
    m.custody += amount;
    this.queue.push({ actor: this.bank, type: 'custody.deposit', body: () => ({ merchant: m.id, amount, ref: this.id('TX') }) });
  }

  private cardStep(): void {
    const m = this.pick(this.merchants);
    const r = this.random();
    if (m.cards.length < 5 || r < 0.12) {
      const named = this.random() < 0.6;
      const amount = named ? 5000 + Math.floor(this.random() * 40) * 5000 : 2000 + Math.floor(this.random() * 18) * 5000;
      const card: Card = { id: this.id(`C-${m.id.slice(2)}`), balance: amount, cap: named ? 500000 : 100000 };
      if (named && this.random() < 0.7) card.holder = benchKey(`holder-${card.id}`);
      m.cards.push(card);
      m.outstanding += amount;
      const holderRef = named ? createHash('sha256').update(`salt:${card.id}`).digest('hex') : undefined;
      this.queue.push({
        actor: m.key,
        type: 'card.issue',
        // Holder consent (SPEC §14): a keyed card is issued with its holder's co-signature.
        holder: card.holder,
        body: () => ({
          card: card.id,
          kind: named ? 'named' : 'anonymous',
          amount,
          holderKey: card.holder?.publicKey,
          holderRef,
          payment: 'mobile',
          purchaser: 'person',
        }),
      });
      this.topUpCustody(m);
      return;
    }
    const card = this.pick(m.cards);
    if (r < 0.18 && card.balance + 10000 <= card.cap) {
      card.balance += 10000;
      m.outstanding += 10000;
      this.queue.push({ actor: m.key, type: 'card.topup', body: () => ({ card: card.id, amount: 10000, payment: 'card' }) });
      this.topUpCustody(m);
    } else if (r < 0.9 && card.balance > 0) {
      const amount = Math.min(card.balance, 500 + Math.floor(this.random() * 30) * 100);
      card.balance -= amount;
      m.outstanding -= amount;
      m.consumedUnreleased += amount;
      this.queue.push({
        actor: m.key,
        type: 'card.consume',
        holder: card.holder,
        body: () => ({ card: card.id, amount, order: this.id('POS') }),
      });
    } else if (r < 0.95 && m.consumedUnreleased > 0) {
      const amount = Math.min(m.consumedUnreleased, m.custody - this.required(m));
      if (amount <= 0) return;
      m.custody -= amount;
      m.consumedUnreleased -= amount;
      this.queue.push({
        actor: this.bank,
        type: 'custody.release',
        body: () => ({ merchant: m.id, amount, purpose: 'consumption', ref: this.id('REL') }),
      });
    } else if (r < 0.955 && card.holder && card.balance >= 1000) {
      // A holder asks for a refund; the merchant pays half of the requests (refund-overdue otherwise).
      const amount = 1000;
      this.queue.push({
        actor: card.holder,
        as: `card:${card.id}`,
        type: 'card.refundRequest',
        body: () => ({ card: card.id, amount, reason: 'service' }),
      });
      if (this.random() < 0.5) {
        card.balance -= amount;
        m.outstanding -= amount;
        this.queue.push({ actor: m.key, type: 'card.refund', holder: card.holder, body: () => ({ card: card.id, amount }) });
      }
    } else if (r < 0.975) {
      const complaint = this.id('CP');
      this.complaintsOpen.push(complaint);
      this.queue.push({
        actor: this.options.regulator,
        type: 'complaint.file',
        body: () => ({ complaint, merchant: m.id, category: 'service', summary: '课程临时取消，未按约定补课' }),
      });
    } else if (this.complaintsOpen.length) {
      const complaint = this.complaintsOpen.shift()!;
      this.queue.push({ actor: this.options.regulator, type: 'complaint.resolve', body: () => ({ complaint, outcome: 'mediated' }) });
    }
  }

  // ---- food --------------------------------------------------------------------------------

  private readings(at: number, n: number, warm: boolean, everyMin = 5): Array<{ t: string; c: number }> {
    return Array.from({ length: n }, (_, i) => ({
      t: new Date(at - (n - i) * everyMin * MIN).toISOString(),
      c: Math.round((warm && i > n / 3 ? 5.5 : 1.5 + this.random() * 2) * 10) / 10,
    }));
  }

  /** Farm lot → inspect → ship to a processor (readings) → receive → fillet lots → ship to retailers → sell. */
  private journey(codes?: { farm: string; fillet: string; pack: string }): Step[] {
    const n = this.journeyCount++;
    const producer = this.pick(this.producers);
    const processor = this.pick(this.processors);
    const carrier = this.pick(this.carriers);
    const farm = codes?.farm ?? `DC-${n}-F`;
    // A few journeys go wrong in ways regulators watch for (SPEC §10).
    const warm = n % 23 === 7;
    const short = !codes && n % 41 === 3; // received 6 % short
    const wild = !codes && n % 53 === 11; // wild East China Sea catch from the closed season
    const gappy = !codes && n % 31 === 17; // the recorder skips: readings 15 min apart
    const received = short ? 470 : 498;
    const fish = { name: '大陈岛大黄鱼', gtin: '06901234567892', category: 'aquatic' };
    const ship1 = `SH-${n}-1`;
    const steps: Step[] = [
      {
        actor: producer,
        type: 'lot.create',
        body: (at) => ({
          code: farm,
          product: fish,
          quantity: { amount: 500, unit: 'kg' },
          storage: 'chilled',
          origin: wild
            ? { place: '东海 大陈渔场', lat: 28.3, lon: 122.2, zone: 'east-china-sea', method: 'wild' }
            : { place: '台州市椒江区大陈岛', lat: 28.45, lon: 121.89, method: 'farmed' },
          harvestedAt: wild ? '2026-07-20T22:00:00.000Z' : new Date(at - 60 * MIN).toISOString(),
          expiresAt: new Date(at + 30 * DAY).toISOString(),
        }),
      },
      {
        actor: this.inspector,
        type: 'lot.inspect',
        body: () => ({ code: farm, result: 'pass', tests: [{ name: '氯霉素', value: 0, unit: 'μg/kg', limit: 0.3, pass: true }] }),
      },
      {
        actor: producer,
        type: 'lot.ship',
        body: () => ({ shipment: ship1, code: farm, amount: 500, to: processor.id, carrier: carrier.id }),
      },
    ];
    const temps = codes ? 14 : 3;
    for (let i = 0; i < temps; i++)
      steps.push({
        actor: carrier,
        type: 'lot.temperature',
        body: (at) => ({ shipment: ship1, readings: this.readings(at, 12, warm, gappy ? 15 : 5) }),
      });
    steps.push({ actor: processor, type: 'lot.receive', body: () => ({ shipment: ship1, amount: received }) });
    const fillets = codes ? [codes.fillet] : [`DC-${n}-A`, `DC-${n}-B`, `DC-${n}-C`];
    steps.push({
      actor: processor,
      type: 'lot.transform',
      body: (at) => ({
        inputs: [{ code: farm, amount: 300 }],
        outputs: fillets.map((code) => ({
          code,
          product: { name: '大黄鱼鱼片', category: 'aquatic' },
          quantity: { amount: 90, unit: 'kg' },
          storage: 'chilled',
          expiresAt: new Date(at + 20 * DAY).toISOString(),
        })),
      }),
    });
    let sellable = fillets;
    if (codes) {
      // A third level: the fillet lot is packed into retail boxes.
      steps.push({
        actor: processor,
        type: 'lot.transform',
        body: (at) => ({
          inputs: [{ code: codes.fillet, amount: 80 }],
          outputs: [
            {
              code: codes.pack,
              product: { name: '大黄鱼鱼片 500 g 装', gtin: '06901234567908', category: 'aquatic' },
              quantity: { amount: 160, unit: 'box' },
              storage: 'chilled',
              expiresAt: new Date(at + 15 * DAY).toISOString(),
            },
          ],
        }),
      });
      sellable = [codes.pack];
    }
    sellable.forEach((code, k) => {
      const retailer = this.pick(this.retailers);
      const c2 = this.pick(this.carriers);
      const shipment = `SH-${n}-${k + 2}`;
      const amount = codes ? 160 : 90;
      steps.push({ actor: processor, type: 'lot.ship', body: () => ({ shipment, code, amount, to: retailer.id, carrier: c2.id }) });
      for (let i = 0; i < (codes ? 12 : 1); i++)
        steps.push({ actor: c2, type: 'lot.temperature', body: (at) => ({ shipment, readings: this.readings(at, 6, false) }) });
      steps.push({ actor: retailer, type: 'lot.receive', body: () => ({ shipment, amount }) });
      for (let i = 0; i < (codes ? 8 : 2); i++)
        steps.push({ actor: retailer, type: 'lot.sell', body: () => ({ code, amount: codes ? 10 : 20 }) });
    });
    steps.push({ actor: processor, type: 'lot.dispose', body: () => ({ code: farm, amount: received - 300, reason: '加工下脚料' }) });
    return steps;
  }

  private foodStep(): void {
    if (this.journeys.length < 300) this.journeys.push(this.journey());
    const i = Math.floor(this.random() * this.journeys.length);
    const step = this.journeys[i].shift()!;
    if (!this.journeys[i].length) this.journeys.splice(i, 1);
    this.queue.push(step);
  }

  /** Starts the showcase journey (≈ 50 events, 3 lineage levels) among the others. */
  startShowcase(): void {
    if (this.showcaseStarted) return;
    this.showcaseStarted = true;
    this.journeys.push(this.journey(this.showcase));
  }

  /** The next `n` events, signed, all with the batch time `at`. Advances the simulated clock. */
  next(n: number): Envelope[] {
    const at = this.clockMs;
    while (this.queue.length < n) this.random() < 0.55 ? this.cardStep() : this.foodStep();
    const steps = this.queue.splice(0, n);
    this.clockMs += this.options.msPerBatch;
    const iso = new Date(at).toISOString();
    return steps.map((s) => {
      const env = signEnvelope(nodeSuite, s.actor.seed, {
        v: 1,
        id: this.id('ev'),
        type: s.type,
        actor: s.as ?? s.actor.id,
        at: iso,
        body: s.body(at),
      });
      return s.holder ? cosignEnvelope(nodeSuite, s.holder.seed, env, 'holder') : env;
    });
  }
}
