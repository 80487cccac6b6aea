/**
 * RFC 9162 §2.1 Merkle tree math over leaf hashes (each leaf is already
 * SHA-256(0x00 || data)). Pure: hashing comes from a Suite, storage from a
 * caller that can read perfect subtrees by id.
 *
 * A stored tree keeps one hash per *perfect* subtree: node (level, index) covers
 * leaves [index·2^level, (index+1)·2^level). Every range the RFC recursion asks
 * for is either such a node or a "right edge" [start, end) that splits into at
 * most log2(n) of them, so roots and proofs at any size need O(log n) node reads.
 * The plan* functions list those reads; the prove* functions consume them.
 */
import { bytesEqual, concatBytes } from './encoding.js';
import type { Suite } from './suite.js';

export interface NodeId {
  level: number;
  index: number;
}

/** Reads stored perfect-subtree hashes, one per requested id, in order. */
export type NodeReader = (ids: readonly NodeId[]) => Promise<Uint8Array[]>;

const LEAF_PREFIX = new Uint8Array([0]);
const NODE_PREFIX = new Uint8Array([1]);

export const leafHash = (suite: Suite, data: Uint8Array): Uint8Array => suite.sha256(concatBytes(LEAF_PREFIX, data));
export const nodeHash = (suite: Suite, left: Uint8Array, right: Uint8Array): Uint8Array =>
  suite.sha256(concatBytes(NODE_PREFIX, left, right));
export const emptyRoot = (suite: Suite): Uint8Array => suite.sha256(new Uint8Array(0));

/** Largest power of two strictly below n (n ≥ 2). */
const splitPoint = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** Perfect subtrees that tile [start, end), left to right (start aligned as in the RFC recursion). */
export const rangeNodes = (start: number, end: number): NodeId[] => {
  const ids: NodeId[] = [];
  let s = start;
  while (s < end) {
    let size = 1;
    // Largest aligned power-of-two block starting at s that fits in [s, end).
    while (s % (size * 2) === 0 && s + size * 2 <= end) size *= 2;
    ids.push({ level: Math.log2(size), index: s / size });
    s += size;
  }
  return ids;
};

/** Hash of a range from the hashes of its tiling, folded right to left as MTH does. */
const foldRange = (suite: Suite, tiles: Uint8Array[]): Uint8Array => {
  let acc = tiles[tiles.length - 1];
  for (let i = tiles.length - 2; i >= 0; i--) acc = nodeHash(suite, tiles[i], acc);
  return acc;
};

/** The ranges [start, end) whose hashes form PATH(m, D[0:n]), leaf side first (RFC 9162 §2.1.3.1). */
const inclusionRanges = (m: number, start: number, end: number, out: Array<[number, number]>): void => {
  const n = end - start;
  if (n === 1) return;
  const k = splitPoint(n);
  if (m - start < k) {
    inclusionRanges(m, start, start + k, out);
    out.push([start + k, end]);
  } else {
    inclusionRanges(m, start + k, end, out);
    out.push([start, start + k]);
  }
};

/** The ranges whose hashes form PROOF(m, D[0:n]) (RFC 9162 §2.1.4.1, SUBPROOF). */
const consistencyRanges = (m: number, start: number, end: number, complete: boolean, out: Array<[number, number]>): void => {
  const n = end - start;
  if (m === n) {
    if (!complete) out.push([start, end]);
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    consistencyRanges(m, start, start + k, complete, out);
    out.push([start + k, end]);
  } else {
    consistencyRanges(m - k, start + k, end, false, out);
    out.push([start, start + k]);
  }
};

/** A list of ranges, the node reads it needs, and how to turn those reads into hashes. */
export interface Plan {
  ids: NodeId[];
  build(suite: Suite, nodes: Uint8Array[]): Uint8Array[];
}

const planRanges = (ranges: Array<[number, number]>): Plan => {
  const tilings = ranges.map(([s, e]) => rangeNodes(s, e));
  return {
    ids: tilings.flat(),
    build(suite, nodes) {
      let o = 0;
      return tilings.map((t) => foldRange(suite, nodes.slice(o, (o += t.length))));
    },
  };
};

export const planRoot = (size: number): Plan => planRanges(size === 0 ? [] : [[0, size]]);

export const planInclusion = (index: number, size: number): Plan => {
  if (!(index >= 0 && index < size)) throw new RangeError(`no leaf ${index} in a tree of size ${size}`);
  const ranges: Array<[number, number]> = [];
  inclusionRanges(index, 0, size, ranges);
  return planRanges(ranges);
};

export const planConsistency = (from: number, to: number): Plan => {
  if (!(from >= 0 && from <= to)) throw new RangeError(`no consistency proof from ${from} to ${to}`);
  const ranges: Array<[number, number]> = [];
  if (from > 0 && from < to) consistencyRanges(from, 0, to, true, ranges);
  return planRanges(ranges);
};

const run = async (suite: Suite, plan: Plan, read: NodeReader): Promise<Uint8Array[]> =>
  plan.build(suite, plan.ids.length ? await read(plan.ids) : []);

export const treeRoot = async (suite: Suite, size: number, read: NodeReader): Promise<Uint8Array> =>
  size === 0 ? emptyRoot(suite) : (await run(suite, planRoot(size), read))[0];

export const proveInclusion = (suite: Suite, index: number, size: number, read: NodeReader): Promise<Uint8Array[]> =>
  run(suite, planInclusion(index, size), read);

export const proveConsistency = (suite: Suite, from: number, to: number, read: NodeReader): Promise<Uint8Array[]> =>
  run(suite, planConsistency(from, to), read);

/** MTH over a list of leaf hashes: a reference implementation for tests and small trees. */
export const rootFromLeaves = (suite: Suite, leaves: readonly Uint8Array[]): Uint8Array => {
  if (leaves.length === 0) return emptyRoot(suite);
  if (leaves.length === 1) return leaves[0];
  const k = splitPoint(leaves.length);
  return nodeHash(suite, rootFromLeaves(suite, leaves.slice(0, k)), rootFromLeaves(suite, leaves.slice(k)));
};

const half = (x: number): number => Math.floor(x / 2);
const odd = (x: number): boolean => x % 2 === 1;

/** RFC 9162 §2.1.3.2: does `path` prove leaf `index` in the tree of `size` with `root`? */
export const verifyInclusion = (
  suite: Suite,
  index: number,
  size: number,
  leaf: Uint8Array,
  path: readonly Uint8Array[],
  root: Uint8Array,
): boolean => {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(suite, p, r);
      if (!odd(fn)) while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = nodeHash(suite, r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && bytesEqual(r, root);
};

/** RFC 9162 §2.1.4.2: does `path` prove the tree (`from`, `fromRoot`) is a prefix of (`to`, `toRoot`)? */
export const verifyConsistency = (
  suite: Suite,
  from: number,
  to: number,
  fromRoot: Uint8Array,
  toRoot: Uint8Array,
  path: readonly Uint8Array[],
): boolean => {
  if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 0 && from <= to)) return false;
  if (from === to) return path.length === 0 && bytesEqual(fromRoot, toRoot);
  if (from === 0) return path.length === 0 && bytesEqual(fromRoot, emptyRoot(suite));
  if (path.length === 0) return false;
  const proof = isPowerOfTwo(from) ? [fromRoot, ...path] : [...path];
  let fn = from - 1;
  let sn = to - 1;
  while (odd(fn)) [fn, sn] = [half(fn), half(sn)];
  let fr = proof[0];
  let sr = proof[0];
  for (const c of proof.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(suite, c, fr);
      sr = nodeHash(suite, c, sr);
      if (!odd(fn)) while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = nodeHash(suite, sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && bytesEqual(fr, fromRoot) && bytesEqual(sr, toRoot);
};

const isPowerOfTwo = (x: number): boolean => {
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
};

export interface StoredNode extends NodeId {
  hash: Uint8Array;
}

/**
 * The right edge of a growing tree: the perfect subtrees that tile [0, size),
 * i.e. rangeNodes(0, size) with their hashes. Appending a leaf returns every
 * node it completes (the leaf itself first), which is what a store must persist.
 */
export class Frontier {
  private constructor(
    private readonly suite: Suite,
    private nodes: StoredNode[],
    private count: number,
  ) {}

  static empty(suite: Suite): Frontier {
    return new Frontier(suite, [], 0);
  }

  /** Rebuilds the frontier of `size` from its stored nodes (O(log n) reads). */
  static async load(suite: Suite, size: number, read: NodeReader): Promise<Frontier> {
    const ids = rangeNodes(0, size);
    const hashes = ids.length ? await read(ids) : [];
    return new Frontier(
      suite,
      ids.map((id, i) => ({ ...id, hash: hashes[i] })),
      size,
    );
  }

  get size(): number {
    return this.count;
  }

  push(leaf: Uint8Array): StoredNode[] {
    let node: StoredNode = { level: 0, index: this.count, hash: leaf };
    const created = [node];
    while (this.nodes.length && this.nodes[this.nodes.length - 1].level === node.level) {
      const left = this.nodes.pop()!;
      node = { level: node.level + 1, index: left.index / 2, hash: nodeHash(this.suite, left.hash, node.hash) };
      created.push(node);
    }
    this.nodes.push(node);
    this.count++;
    return created;
  }

  root(): Uint8Array {
    return this.nodes.length
      ? foldRange(
          this.suite,
          this.nodes.map((n) => n.hash),
        )
      : emptyRoot(this.suite);
  }

  clone(): Frontier {
    return new Frontier(this.suite, [...this.nodes], this.count);
  }
}
