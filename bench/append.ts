/**
 * (b) Durable appends per second of pre-signed events at 1, 16 and 256
 * concurrent appenders: each appender verifies its event's signature (worker
 * threads, the service's path) and appends it; a receipt counts once its group
 * commit (fsync) is done.
 */
import {
  fromBase64Url,
  Ledger,
  nodeSuite,
  randomSeed,
  SigPool,
  signEnvelope,
  signingInput,
  keyFromSeed,
  parseKeyFile,
  type Envelope,
} from '../ledger/index.js';
import { rmSync } from 'node:fs';
import { log, round, summarize, tempDir } from './util.js';

const key = (id: string) => parseKeyFile(nodeSuite, JSON.stringify(keyFromSeed(nodeSuite, id, randomSeed())));

export const measureAppends = async (levels: Array<{ concurrency: number; events: number }>) => {
  const operator = key('operator');
  const actors = Array.from({ length: 32 }, (_, i) => key(`actor-${i}`));
  const results = [];
  for (const { concurrency, events: n } of levels) {
    const events: Envelope[] = Array.from({ length: n }, (_, i) => {
      const k = actors[i % actors.length];
      return signEnvelope(nodeSuite, k.seed, {
        v: 1,
        id: `bench-${concurrency}-${String(i).padStart(8, '0')}`,
        type: 'lot.temperature',
        actor: k.id,
        at: new Date().toISOString(),
        body: { shipment: `S-${i % 500}`, readings: [{ t: new Date().toISOString(), c: 3.5 + (i % 10) / 10 }] },
      });
    });
    const keys = new Map(actors.map((a) => [a.id, fromBase64Url(a.publicKey)!]));
    const dir = tempDir('append');
    const ledger = await Ledger.open({ path: dir, origin: 'bench/ledger', operator, genesis: { regulators: [] } });
    const pool = new SigPool();
    const latencies: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) {
          const ev = events[next++];
          const start = performance.now();
          if (!(await pool.verify(keys.get(ev.actor)!, signingInput(ev), fromBase64Url(ev.sig)!))) throw new Error('bad signature');
          await ledger.transact((tx) => {
            tx.append(ev);
          });
          latencies.push(performance.now() - start);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const checkpoints = ledger.checkpoint.size;
    await ledger.close();
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
    const r = { concurrency, events: n, appendsPerSec: round(n / seconds), latency: summarize(latencies), finalSize: checkpoints };
    log('(b) appends', r);
    results.push(r);
  }
  return results;
};
