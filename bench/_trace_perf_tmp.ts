// Ad-hoc perf check for the trace view (not committed).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger, generateKey, parseKeyFile, nodeSuite, signEnvelope } from '../ledger/index.js';
import { buildApp } from '../src/app.js';
import { Catalogue } from '../src/domain/catalogue.js';
import { PLUGINS } from '../src/plugins.js';
import { seedTraceLot } from '../src/trace/scenario.js';

const N = Number(process.env.N ?? 1_000_000);
const op = parseKeyFile(nodeSuite, JSON.stringify(generateKey('operator')));
const reg = parseKeyFile(nodeSuite, JSON.stringify(generateKey('regulator')));
const dir = mkdtempSync(join(tmpdir(), 'tperf-'));
const catalogue = new Catalogue(PLUGINS);
const ledger = await Ledger.open({ path: dir, origin: 'perf/ledger', operator: op, genesis: { regulators: [{ id: 'regulator', name: 'r', publicKey: reg.publicKey }], state: (e) => catalogue.genesisState(e) } });
const filler = signEnvelope(nodeSuite, reg.seed, { v: 1, id: 'filler-00000000', type: 'lot.temperature', actor: 'x', at: new Date().toISOString(), body: { shipment: 'S', readings: [{ t: new Date().toISOString(), c: 3 }] } });
let t = performance.now();
for (let done = 0; done < N; ) {
  const k = Math.min(5000, N - done);
  await ledger.transact((tx) => { for (let i = 0; i < k; i++) tx.append({ ...filler, id: 'filler-' + String(done + i).padStart(8, '0') }); });
  done += k;
}
console.log('filled', ledger.size, 'in', Math.round(performance.now() - t), 'ms');
const config = { port: 0, dataDir: dir, origin: 'perf/ledger', operatorKeyPath: '', regulatorPublicKey: reg.publicKey, regulatorId: 'regulator', maxSkewS: 600, publicUrl: 'http://x' };
const app = buildApp({ ledger, config, log: (e) => console.error(e) });
const server = app.listen(Number(process.env.PORT ?? 8099));
await new Promise((r) => server.once('listening', r));
const seeded = await seedTraceLot({ now: Date.now, post: async (env) => { const r = await fetch(`http://127.0.0.1:${process.env.PORT ?? 8099}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(env) }); if (r.status !== 201) throw new Error(await r.text()); } }, reg);
console.log('seeded', seeded.code, 'size', ledger.size);
const r = await fetch(`http://127.0.0.1:${process.env.PORT ?? 8099}/v1/trace/${seeded.code}`);
const text = await r.text();
console.log('view bytes', text.length, 'timeline', JSON.parse(text).timeline.length);
console.log('READY', seeded.code);
