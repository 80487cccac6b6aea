/** The shared test vectors (../shared/vectors/anxin-v1.json), typed loosely. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const VECTORS_PATH = resolve(process.cwd(), '../shared/vectors/anxin-v1.json');

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
