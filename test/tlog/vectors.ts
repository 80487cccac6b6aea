/** The C2SP vectors of SPEC §12, read from the repository's own copy (test/vectors/). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const VECTORS_DIR = resolve(process.cwd(), 'test/vectors');
export const TESSERA_DIR = resolve(VECTORS_DIR, 'c2sp/tessera-testdata');

export const c2sp = JSON.parse(readFileSync(resolve(VECTORS_DIR, 'c2sp-v1.json'), 'utf8'));
export const anxinVectors = JSON.parse(readFileSync(resolve(VECTORS_DIR, 'anxin-v1.json'), 'utf8'));
