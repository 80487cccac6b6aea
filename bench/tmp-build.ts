import { buildLedger } from './big-ledger.js';
import { tempDir } from './util.js';
const n = Number(process.argv[2] ?? 20000);
console.log(await buildLedger(tempDir('build'), n));
