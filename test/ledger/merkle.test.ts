/**
 * RFC 9162 proofs, exhaustively at every size 1–64: every inclusion proof and
 * every consistency proof is the RFC's PATH / PROOF and verifies; every proof
 * with one hash changed, missing or extra, or checked at the wrong index or
 * size, is rejected. Then the same proofs from a real Ledger on LevelDB, re-checked
 * at every earlier size (as Go's sumdb/tlog tests do).
 */
import {
  Frontier,
  proveConsistency,
  proveInclusion,
  rootFromLeaves,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
  leafHash,
  type NodeId,
  type NodeReader,
} from '../../ledger/merkle.js';
import { fromHex, toHex, utf8, type Ledger } from '../../ledger/index.js';
import { nodeSuite as suite } from '../../ledger/suite-node.js';
import { fillTo, openLedger, removeTempDirs, tempDir } from './support.js';

const MAX = 64;
const SIZES = Array.from({ length: MAX }, (_, i) => i + 1);
const leaves = SIZES.map((n) => leafHash(suite, utf8(`leaf ${n - 1}`)));
const roots = [rootFromLeaves(suite, [])].concat(SIZES.map((n) => rootFromLeaves(suite, leaves.slice(0, n))));
const EXTRA = suite.sha256(utf8('an extra hash'));

/** RFC 9162 §2.1.3.1 PATH(m, D[n]) and §2.1.4.1 SUBPROOF, straight from the text. */
const split = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
const refPath = (m: number, d: Uint8Array[]): Uint8Array[] => {
  if (d.length === 1) return [];
  const k = split(d.length);
  return m < k
    ? [...refPath(m, d.slice(0, k)), rootFromLeaves(suite, d.slice(k))]
    : [...refPath(m - k, d.slice(k)), rootFromLeaves(suite, d.slice(0, k))];
};
const refSubproof = (m: number, d: Uint8Array[], b: boolean): Uint8Array[] => {
  if (m === d.length) return b ? [] : [rootFromLeaves(suite, d)];
  const k = split(d.length);
  return m <= k
    ? [...refSubproof(m, d.slice(0, k), b), rootFromLeaves(suite, d.slice(k))]
    : [...refSubproof(m - k, d.slice(k), false), rootFromLeaves(suite, d.slice(0, k))];
};
const refProof = (m: number, n: number): Uint8Array[] => (m === 0 || m === n ? [] : refSubproof(m, leaves.slice(0, n), true));

/** The tree stored as the ledger stores it (every node a Frontier push creates), readable only below `size`. */
const stored = new Map<string, Uint8Array>();
{
  const f = Frontier.empty(suite);
  for (const leaf of leaves) for (const n of f.push(leaf)) stored.set(`${n.level}/${n.index}`, n.hash);
}
const reads: NodeId[] = [];
const readerAt =
  (size: number): NodeReader =>
  async (ids) =>
    ids.map((id) => {
      if ((id.index + 1) * 2 ** id.level > size) throw new Error(`read of node ${id.level}/${id.index} past size ${size}`);
      reads.push(id);
      return stored.get(`${id.level}/${id.index}`)!;
    });
const countReads = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  reads.length = 0;
  const value = await fn();
  return [value, reads.length];
};
/** What a proof at size n may cost: two right-edge tilings of ≤ log2(n)+1 nodes each. */
const readBound = (n: number) => 2 * (Math.ceil(Math.log2(n)) + 1);

const flip = (h: Uint8Array): Uint8Array => Uint8Array.from(h, (b, i) => (i === 0 ? b ^ 1 : b));
const changedOne = (p: Uint8Array[]) => p.map((_, j) => p.map((h, i) => (i === j ? flip(h) : h)));
const missingOne = (p: Uint8Array[]) => p.map((_, j) => p.filter((_h, i) => i !== j));
const extraOne = (p: Uint8Array[]) => [[...p, EXTRA], [EXTRA, ...p], ...p.map((h, j) => [...p.slice(0, j + 1), h, ...p.slice(j + 1)])];
const pairs = (n: number) => Array.from({ length: n + 1 }, (_, m) => m);

/** Collects the names of the cases where `ok` disagrees with `expected`, so one assertion reports them all. */
const mismatches = () => {
  const wrong: string[] = [];
  return {
    wrong,
    check: (name: string, ok: boolean, expected: boolean) => void (ok !== expected && wrong.push(name)),
  };
};

describe('proveInclusion and verifyInclusion', () => {
  describe('when the proof is honest', () => {
    test.each(SIZES)('at size %i, every leaf has the RFC 9162 path, read in O(log n) nodes, and it verifies', async (n) => {
      const { wrong, check } = mismatches();
      for (let i = 0; i < n; i++) {
        const [path, cost] = await countReads(() => proveInclusion(suite, i, n, readerAt(n)));
        check(`path of ${i} is RFC 9162's`, path.map(toHex).join() === refPath(i, leaves.slice(0, n)).map(toHex).join(), true);
        check(`path of ${i} costs ${cost} reads`, cost <= readBound(n), true);
        check(`path of ${i} verifies`, verifyInclusion(suite, i, n, leaves[i], path, roots[n]), true);
      }
      const [root, cost] = await countReads(() => treeRoot(suite, n, readerAt(n)));
      check('root', toHex(root) === toHex(roots[n]), true);
      check(`root costs ${cost} reads`, cost <= Math.ceil(Math.log2(n)) + 1, true);
      expect(wrong).toEqual([]);
    });
  });

  describe('when one hash is changed, missing or extra', () => {
    test.each(SIZES)('at size %i, every such proof of every leaf is rejected', async (n) => {
      const { wrong, check } = mismatches();
      for (let i = 0; i < n; i++) {
        const path = await proveInclusion(suite, i, n, readerAt(n));
        const bad = { changed: changedOne(path), missing: missingOne(path), extra: extraOne(path) };
        check(`${i}: ${3 * path.length + 2} variants`, Object.values(bad).flat().length === 3 * path.length + 2, true);
        for (const [kind, proofs] of Object.entries(bad))
          proofs.forEach((p, k) => check(`${i}: ${kind} #${k}`, verifyInclusion(suite, i, n, leaves[i], p, roots[n]), false));
      }
      expect(wrong).toEqual([]);
    });
  });

  describe('when the index, size, leaf or root is wrong', () => {
    test.each(SIZES)("at size %i, every leaf's proof is rejected", async (n) => {
      const { wrong, check } = mismatches();
      for (let i = 0; i < n; i++) {
        const path = await proveInclusion(suite, i, n, readerAt(n));
        // Neighbours, sibling, mirror image and both ends: every other index a slip could produce.
        for (const j of new Set([i - 1, i + 1, i ^ 1, n - 1 - i, 0, n - 1]))
          if (j !== i && j >= 0 && j < n) check(`${i} as ${j}`, verifyInclusion(suite, j, n, leaves[i], path, roots[n]), false);
        // (A wrong size with the right root can pass when both trees have the same shape
        // around leaf i: the root, which a checkpoint binds to its size, is what pins the size.)
        for (const m of [n - 1, n + 1])
          if (m > i && m <= MAX) check(`${i} at size ${m}`, verifyInclusion(suite, i, m, leaves[i], path, roots[m]), false);
        check(`${i} with another leaf`, verifyInclusion(suite, i, n, flip(leaves[i]), path, roots[n]), false);
        check(`${i} with another root`, verifyInclusion(suite, i, n, leaves[i], path, flip(roots[n])), false);
        for (const [index, size] of [
          [n, n],
          [-1, n],
          [i, 0],
          [i + 0.5, n],
        ])
          check(`${i} as (${index}, ${size})`, verifyInclusion(suite, index, size, leaves[i], path, roots[n]), false);
      }
      expect(wrong).toEqual([]);
    });
  });
});

describe('proveConsistency and verifyConsistency', () => {
  describe('when the proof is honest', () => {
    test.each(SIZES)('to size %i, from every size m ≤ n, it is the RFC 9162 proof, read in O(log n) nodes, and it verifies', async (n) => {
      const { wrong, check } = mismatches();
      for (const m of pairs(n)) {
        const [proof, cost] = await countReads(() => proveConsistency(suite, m, n, readerAt(n)));
        check(`proof from ${m} is RFC 9162's`, proof.map(toHex).join() === refProof(m, n).map(toHex).join(), true);
        check(`proof from ${m} costs ${cost} reads`, cost <= readBound(n), true);
        check(`proof from ${m} verifies`, verifyConsistency(suite, m, n, roots[m], roots[n], proof), true);
      }
      expect(wrong).toEqual([]);
    });
  });

  describe('when one hash is changed, missing or extra', () => {
    test.each(SIZES)('to size %i, every such proof from every size is rejected', async (n) => {
      const { wrong, check } = mismatches();
      for (const m of pairs(n)) {
        const proof = await proveConsistency(suite, m, n, readerAt(n));
        const bad = { changed: changedOne(proof), missing: missingOne(proof), extra: extraOne(proof) };
        check(`${m}: ${3 * proof.length + 2} variants`, Object.values(bad).flat().length === 3 * proof.length + 2, true);
        for (const [kind, proofs] of Object.entries(bad))
          proofs.forEach((p, k) => check(`${m}: ${kind} #${k}`, verifyConsistency(suite, m, n, roots[m], roots[n], p), false));
      }
      expect(wrong).toEqual([]);
    });
  });

  describe('when a size or root is wrong', () => {
    test.each(SIZES)('to size %i, every proof is rejected', async (n) => {
      const { wrong, check } = mismatches();
      for (const m of pairs(n)) {
        const proof = await proveConsistency(suite, m, n, readerAt(n));
        // (The empty proof is rightly valid for every (0, n) and (n, n).)
        for (const [from, to] of [
          [m - 1, n],
          [m + 1, n],
          [m, n - 1],
          [m, n + 1],
        ])
          if (from >= 0 && from <= to && to <= MAX && !(proof.length === 0 && (from === 0 || from === to)))
            check(`${m} as ${from} → ${to}`, verifyConsistency(suite, from, to, roots[from], roots[to], proof), false);
        check(`${m} with another old root`, verifyConsistency(suite, m, n, flip(roots[m]), roots[n], proof), false);
        // Every tree extends the empty one, whatever its root.
        if (m > 0) check(`${m} with another new root`, verifyConsistency(suite, m, n, roots[m], flip(roots[n]), proof), false);
        if (m < n) check(`${m} reversed`, verifyConsistency(suite, n, m, roots[n], roots[m], proof), false);
      }
      expect(wrong).toEqual([]);
    });
  });
});

describe('a Ledger on LevelDB', () => {
  let ledger: Ledger;
  let ledgerLeaves: Uint8Array[];
  const ledgerRoot = (n: number) => rootFromLeaves(suite, ledgerLeaves.slice(0, n));

  beforeAll(async () => {
    ledger = await openLedger(tempDir('merkle'));
    await fillTo(ledger, MAX); // one entry per transaction: a checkpoint at every size
    ledgerLeaves = SIZES.map((n) => fromHex(ledger.entry(n - 1)!.leaf)!);
  });
  afterAll(async () => {
    await ledger.close();
    removeTempDirs();
  });

  test.each(SIZES)('after 64 appends, at size %i, the root matches the checkpoint signed then and every proof verifies', async (n) => {
    const root = await ledger.rootAt(n);
    expect(toHex(root)).toBe(toHex(ledgerRoot(n)));
    expect(ledger.checkpointAt(n)?.root).toBe(toHex(root));
    for (let i = 0; i < n; i++) {
      const path = (await ledger.proveInclusion(i, n)).map((h) => fromHex(h)!);
      expect(path.map(toHex)).toEqual(refPath(i, ledgerLeaves.slice(0, n)).map(toHex));
      expect(verifyInclusion(suite, i, n, ledgerLeaves[i], path, root)).toBe(true);
    }
    for (const m of pairs(n)) {
      const proof = (await ledger.proveConsistency(m, n)).map((h) => fromHex(h)!);
      expect(verifyConsistency(suite, m, n, ledgerRoot(m), root, proof)).toBe(true);
    }
  });

  describe('when asked beyond its size or for an impossible range', () => {
    test('it throws RangeError', async () => {
      await expect(ledger.rootAt(MAX + 1)).rejects.toThrow(RangeError);
      await expect(ledger.proveInclusion(0, MAX + 1)).rejects.toThrow(RangeError);
      await expect(ledger.proveInclusion(MAX, MAX)).rejects.toThrow(RangeError);
      await expect(ledger.proveConsistency(0, MAX + 1)).rejects.toThrow(RangeError);
      await expect(ledger.proveConsistency(10, 9)).rejects.toThrow(RangeError);
    });
  });
});

describe('a Ledger whose tree has levels above 6 (records kept in its tree cache)', () => {
  const N = 300;
  let dir: string;
  let bigLeaves: Uint8Array[];
  const at = [129, 200, 256, 300];
  const proofsOf = async (l: Ledger, n: number) =>
    Promise.all(Array.from({ length: n }, async (_, i) => (await l.proveInclusion(i, n)).join()));

  beforeAll(async () => {
    dir = tempDir('merkle-cache');
    const l = await openLedger(dir);
    await fillTo(l, N, 8);
    bigLeaves = Array.from({ length: N }, (_, i) => fromHex(l.entry(i)!.leaf)!);
    await l.close();
  }, 60_000);
  afterAll(removeTempDirs);

  test.each(at)("at size %i, proofs answered again from the cache equal the RFC path and a freshly opened ledger's", async (n) => {
    const warm = await openLedger(dir);
    const first = await proofsOf(warm, n);
    const again = await proofsOf(warm, n);
    await warm.close();
    const fresh = await openLedger(dir);
    const cold = await proofsOf(fresh, n);
    await fresh.close();
    const expected = Array.from({ length: n }, (_, i) => refPath(i, bigLeaves.slice(0, n)).map(toHex).join());
    expect(first).toEqual(expected);
    expect(again).toEqual(expected);
    expect(cold).toEqual(expected);
  });
});
