/**
 * (c) The ledger engine's own benchmark ledger: `size` entries that
 * the engine's verifier can check without any domain plug-in — 32 actors
 * registered by the genesis regulator, then events signed by those actors,
 * appended in transactions of 500 on a real LevelDB. The domain's verification
 * (`anxin verify`, with every rule replayed) is measured on the workload ledger
 * of big-ledger.ts.
 */
import { Ledger, nodeSuite, signEnvelope, type Envelope, type SigningKey } from '../ledger/index.js';
import { BENCH_ORIGIN, operatorKey, regulatorKey } from './big-ledger.js';
import { benchKey } from './workload.js';
import { log } from './util.js';

const ACTORS = 32;
const BATCH = 500;

export const buildEngineLedger = async (dir: string, size: number): Promise<void> => {
  const regulator = regulatorKey();
  const ledger = await Ledger.open({
    path: dir,
    origin: BENCH_ORIGIN,
    operator: operatorKey(),
    genesis: { regulators: [{ id: regulator.id, name: 'bench regulator', publicKey: regulator.publicKey }] },
  });
  try {
    const actors = Array.from({ length: ACTORS }, (_, i) => benchKey(`engine-actor-${i}`));
    let n = 0;
    const sign = (key: SigningKey, type: string, body: Record<string, unknown>): Envelope => {
      const at = new Date().toISOString();
      return signEnvelope(nodeSuite, key.seed, { v: 1, id: `engine-${n++}`, type, actor: key.id, at, body });
    };
    await ledger.transact((tx) => {
      for (const a of actors)
        tx.append(sign(regulator, 'actor.register', { id: a.id, role: 'carrier', name: a.id, publicKey: a.publicKey }));
    });
    while (ledger.size < size) {
      const events = Array.from({ length: Math.min(BATCH, size - ledger.size) }, () =>
        sign(actors[n % ACTORS], 'lot.temperature', {
          shipment: `S-${n % 500}`,
          readings: [{ t: new Date().toISOString(), c: 3.5 + (n % 10) / 10 }],
        }),
      );
      await ledger.transact((tx) => {
        for (const e of events) tx.append(e);
      });
      if (ledger.size % 200_000 < BATCH) log(`  engine ledger: ${ledger.size} entries`);
    }
  } finally {
    await ledger.close();
  }
};
