/**
 * The project's test vectors (test/vectors/, described in docs/SPEC.md "Test vectors"), typed loosely.
 * `anxin-v1.json` covers §1–§8 wire formats; `c2sp-v1.json` and `c2sp/tessera-testdata/` cover the
 * C2SP interfaces of §12.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding the vectors, beside this helper's folder. */
export const VECTORS_DIR = fileURLToPath(new URL('../vectors/', import.meta.url));
export const VECTORS_PATH = join(VECTORS_DIR, 'anxin-v1.json');
export const C2SP_VECTORS_PATH = join(VECTORS_DIR, 'c2sp-v1.json');
export const TESSERA_TESTDATA_DIR = join(VECTORS_DIR, 'c2sp', 'tessera-testdata');

export interface Vectors {
  origin: string;
  keys: Record<string, { seed: string; publicKey: string }>;
  jcs: Array<{ input: unknown; canonical: string }>;
  events: Array<{ envelope: any; signingInput: string }>;
  entries: Array<{ index: number; at: string; event: any; leaf: string; prev: string; hash: string }>;
  merkle: {
    emptyRoot: string;
    roots: Array<{ size: number; root: string }>;
    inclusion: Array<{ index: number; size: number; path: string[] }>;
    consistency: Array<{ from: number; to: number; path: string[] }>;
  };
  checkpoint: { origin: string; size: number; root: string; head: string; note: string; keyId: string };
  requests: Array<{
    method: string;
    target: string;
    keyid: string;
    key: string;
    created: number;
    signatureBase: string;
    headers: Record<string, string>;
  }>;
}

export const vectors: Vectors = JSON.parse(readFileSync(VECTORS_PATH, 'utf8'));
