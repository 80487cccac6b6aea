/**
 * Mass balance (SPEC §7) as a property: over random sequences of ship, receive,
 * transform, sell and dispose, every lot's created (or made) quantity equals
 * held + in transit + sold + disposed + transformed away + lost, no part is
 * negative, holdings match a simple model, and each event is accepted or
 * refused exactly when the model says so (with the model's code).
 *
 * The sequences run through the rules the verifier replays (admission over an
 * in-memory state: fast, so many runs), and a few through the real service over
 * LevelDB, where a refusal must also leave the ledger unchanged.
 */
import fc from 'fast-check';
import { type Entry, type Envelope, type SigningKey } from '../../ledger/index.js';
import { admitEvent, parseEvent } from '../../src/domain/admission.js';
import { Catalogue } from '../../src/domain/catalogue.js';
import { MemoryState } from '../../src/domain/memory-state.js';
import { isApiError } from '../../src/errors.js';
import { DOMAINS } from '../../src/plugins.js';
import { sum } from '../../src/trace/amount.js';
import type { LotRecord } from '../../src/trace/state.js';
import { Clock, newKey, signEvent, startFixture, type Fixture } from '../helpers/fixture.js';
import { createBody } from './helpers.js';

/** Who can do what: index 0 produces, 1–2 process, 3 carries, 4 retails. */
const ROLES = ['producer', 'processor', 'processor', 'carrier', 'retailer'] as const;
const ROOTS = [
  ['ROOT-A', 100],
  ['ROOT-B', 37.5],
] as const;

type Command =
  | { op: 'ship'; actor: number; lot: number; to: number; amount: number }
  | { op: 'receive'; shipment: number; part: number }
  | { op: 'transform'; actor: number; lot: number; amount: number; made: number }
  | { op: 'sell'; actor: number; lot: number; amount: number }
  | { op: 'dispose'; actor: number; lot: number; amount: number };

const amount = fc.integer({ min: 1, max: 6000 }).map((n) => n / 100);
const actor = fc.integer({ min: 0, max: ROLES.length - 1 });
const lot = fc.nat(20);
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant('ship' as const), actor, lot, to: fc.integer({ min: 1, max: ROLES.length - 1 }), amount }),
  fc.record({ op: fc.constant('receive' as const), shipment: fc.nat(30), part: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ op: fc.constant('transform' as const), actor, lot, amount, made: amount }),
  fc.record({ op: fc.constant('sell' as const), actor, lot, amount }),
  fc.record({ op: fc.constant('dispose' as const), actor, lot, amount }),
);

/** The model: what each lot's numbers must be. */
interface ModelLot {
  created: number;
  holdings: Map<string, number>;
}
interface ModelShipment {
  id: string;
  lot: string;
  to: string;
  amount: number;
  open: boolean;
}

/** Appends one signed event and says 'ok' or the refusal code. */
type Submit = (env: Envelope) => Promise<string>;
type Read = (code: string) => LotRecord | undefined;

const run = async (commands: Command[], keys: SigningKey[], clock: Clock, submit: Submit, read: Read): Promise<void> => {
  const lots: string[] = ROOTS.map(([code]) => code);
  const model = new Map<string, ModelLot>(ROOTS.map(([code, q]) => [code, { created: q, holdings: new Map([[keys[0].id, q]]) }]));
  const shipments: ModelShipment[] = [];
  const held = (code: string, who: string) => model.get(code)!.holdings.get(who) ?? 0;
  const move = (code: string, who: string, delta: number) => {
    const h = model.get(code)!.holdings;
    const next = Math.round((held(code, who) + delta) * 100) / 100;
    if (next === 0) h.delete(who);
    else h.set(who, next);
  };
  const takeFrom = (code: string, who: string, amt: number) =>
    held(code, who) === 0 ? 'not_holder' : amt > held(code, who) ? 'quantity_exceeded' : 'ok';

  for (const [n, cmd] of commands.entries()) {
    let env: Envelope;
    let expected: string;
    let onOk = () => {};
    if (cmd.op === 'receive') {
      const s = shipments[cmd.shipment % Math.max(shipments.length, 1)];
      if (!s) continue;
      const got = Math.round((cmd.part === 5 ? s.amount + 1 : (s.amount * cmd.part) / 4) * 100) / 100;
      env = signEvent(
        keys.find((k) => k.id === s.to)!,
        'lot.receive',
        { shipment: s.id, amount: got },
        clock,
      );
      expected = !s.open ? 'shipment_closed' : got > s.amount ? 'quantity_exceeded' : 'ok';
      onOk = () => {
        s.open = false;
        move(s.lot, s.to, got);
      };
    } else {
      const key = keys[cmd.op === 'sell' ? 4 : cmd.actor];
      const code = lots[cmd.lot % lots.length];
      if (cmd.op === 'ship') {
        const to = keys[(cmd.actor + cmd.to) % keys.length];
        const id = `SH-${n}`;
        env = signEvent(key, 'lot.ship', { shipment: id, code, amount: cmd.amount, to: to.id }, clock);
        expected = takeFrom(code, key.id, cmd.amount);
        onOk = () => {
          move(code, key.id, -cmd.amount);
          shipments.push({ id, lot: code, to: to.id, amount: cmd.amount, open: true });
        };
      } else if (cmd.op === 'transform') {
        const out = `T-${n}`;
        env = signEvent(
          key,
          'lot.transform',
          {
            inputs: [{ code, amount: cmd.amount }],
            outputs: [
              { code: out, product: { name: '鱼片', category: 'aquatic' }, quantity: { amount: cmd.made, unit: 'kg' }, storage: 'chilled' },
            ],
          },
          clock,
        );
        expected = ROLES[cmd.actor] !== 'processor' ? 'forbidden' : takeFrom(code, key.id, cmd.amount);
        onOk = () => {
          move(code, key.id, -cmd.amount);
          lots.push(out);
          model.set(out, { created: cmd.made, holdings: new Map([[key.id, cmd.made]]) });
        };
      } else {
        env = signEvent(key, `lot.${cmd.op}`, { code, amount: cmd.amount, ...(cmd.op === 'dispose' && { reason: 'spoiled' }) }, clock);
        expected = takeFrom(code, key.id, cmd.amount);
        onOk = () => move(code, key.id, -cmd.amount);
      }
    }
    expect(`${n}: ${await submit(env)}`).toBe(`${n}: ${expected}`);
    if (expected === 'ok') onOk();

    for (const code of lots) {
      const rec = read(code)!;
      const parts = [...Object.values(rec.holdings), ...Object.values(rec.inTransit), rec.sold, rec.disposed, rec.transformedOut, rec.lost];
      expect(parts.every((p) => p >= 0)).toBe(true);
      expect(sum(parts)).toBe(model.get(code)!.created);
      expect(new Map(Object.entries(rec.holdings))).toEqual(model.get(code)!.holdings);
    }
  }
};

const registerAll = async (keys: SigningKey[], regulator: SigningKey, clock: Clock, submit: Submit) => {
  for (const [i, k] of keys.entries())
    expect(
      await submit(signEvent(regulator, 'actor.register', { id: k.id, role: ROLES[i], name: k.id, publicKey: k.publicKey }, clock)),
    ).toBe('ok');
  for (const [code, q] of ROOTS) expect(await submit(signEvent(keys[0], 'lot.create', createBody(code, q), clock))).toBe('ok');
};

const KEYS = ROLES.map((r, i) => newKey(`${r}-${i}`));
const REGULATOR = newKey('regulator');

describe('mass balance', () => {
  test('when random movements run through the replayed rules, then every lot balances and every verdict matches the model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40 }), async (commands) => {
        const catalogue = new Catalogue(DOMAINS);
        const state = new MemoryState();
        const clock = new Clock();
        const genesis = {
          index: 0,
          at: clock.iso(),
          event: { body: { regulators: [{ id: REGULATOR.id, name: '市场监管局', publicKey: REGULATOR.publicKey }] } },
        } as unknown as Entry;
        const tx0 = state.begin();
        for (const [k, v] of Object.entries(catalogue.genesisState(genesis))) tx0.put(k, v);
        tx0.commit();
        let index = 1;
        const submit: Submit = async (env) => {
          const tx = state.begin();
          try {
            admitEvent(catalogue, tx, parseEvent(catalogue, env), {
              index,
              at: clock.iso(),
              maxSkewS: 600,
              requireSignature: () => undefined,
            });
            tx.commit();
            index++;
            return 'ok';
          } catch (e) {
            if (isApiError(e)) return e.code;
            throw e;
          }
        };
        await registerAll(KEYS, REGULATOR, clock, submit);
        await run(commands, KEYS, clock, submit, (code) => state.get<LotRecord>(`lot/${code}`));
      }),
      { numRuns: 150 },
    );
  });

  test('when random movements run through the service over LevelDB, then the same holds and refusals leave the ledger unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
        const f: Fixture = await startFixture();
        try {
          const keys = ROLES.map((r, i) => newKey(`${r}-${i}`));
          const submit: Submit = async (env) => {
            const before = f.state();
            const res = await f.postEnvelope(env);
            if (res.status === 201) return 'ok';
            expect(f.state()).toEqual(before);
            return res.body.code;
          };
          await registerAll(keys, f.regulator, f.clock, submit);
          await run(commands, keys, f.clock, submit, (code) => f.ledger.get<LotRecord>(`lot/${code}`));
        } finally {
          await f.close();
        }
      }),
      { numRuns: 8 },
    );
  }, 60_000);
});
