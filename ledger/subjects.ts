/**
 * The subject map (SPEC §12 "Views that cannot leave things out"): the log's
 * commitment, at every checkpoint, to which entries concern which subject
 * (`lot:<code>`, `card:<id>`, `merchant:<id>`; the engine treats subjects as
 * opaque strings the domain declares per entry).
 *
 *   head(s)   = {count, last, chain}: how many entries concern s, the index of
 *               the last one, and chain_k = SHA-256(chain_{k-1} ‖ leaf_k) over
 *               their leaves in log order (chain_0 = 32 zero bytes)
 *   key(s)    = SHA-256(UTF-8 s)                      (256 bits, most significant bit first)
 *   value(s)  = SHA-256(UTF-8 JCS(head(s)))
 *   H(S, d)   = 32 zero bytes                          when S is empty
 *             = SHA-256(0x00 ‖ key ‖ value)            when S holds one key
 *             = SHA-256(0x01 ‖ H(S₀, d+1) ‖ H(S₁, d+1)) otherwise, S_b = keys of S whose bit d is b
 *   root      = H(all subjects, 0)
 *
 * A proof for a subject lists the sibling hashes from the root down to the
 * first subtree holding at most one key; that subtree is the subject's own leaf
 * (membership), empty, or another key's leaf (non-membership, given as that
 * key and value). The operator signs the root per checkpoint in a *subject
 * note*: a C2SP signed note `<origin>/subjects\n<size>\n<base64 root>\n` under
 * key name `<origin>/subjects` — never mistakable for a checkpoint.
 *
 * SubjectMap is persistent: `set` returns a new map sharing every node off the
 * updated path, so a map at an older size stays valid (and provable) while
 * appends go on. An update copies its path, O(depth) = O(log m) nodes for m
 * subjects, and hashes nothing: a node's hash is computed when a root or proof
 * first needs it, so k updates between two roots cost far fewer than k paths of hashes.
 * Portable: pass the Suite.
 */
import { bytesEqual, fromBase64, fromHex, toBase64, toHex, utf8 } from './encoding.js';
import { chainHash } from './entry.js';
import { canonicalize } from './jcs.js';
import { computeKeyId, ED25519_TYPE, formatNote, parseNote, signNoteLine, verifyNoteSignature } from './note.js';
import type { Suite } from './suite.js';
import { quorumMet, type Policy } from './policy.js';
import { verifyCosignature } from './cosignature.js';

/** What the log commits to per subject. `chain` is hex. */
export interface SubjectHead {
  count: number;
  last: number;
  chain: string;
}

/** A proof of a subject's value (or absence) in a map root. Hashes are hex. */
export interface SubjectProof {
  /** Sibling hashes from the root (depth 0) down. */
  siblings: string[];
  /** For a non-member whose path ends at another key's leaf: that key and its value. */
  other?: { key: string; value: string };
}

const ZERO = new Uint8Array(32);

export const subjectKey = (suite: Suite, subject: string): Uint8Array => suite.sha256(utf8(subject));

/** SHA-256 of JCS(head): written out, since its members are three (chain, count, last in JCS order) and plain. */
export const headValue = (suite: Suite, head: SubjectHead): Uint8Array =>
  Number.isSafeInteger(head.count) && Number.isSafeInteger(head.last) && /^[0-9a-f]{64}$/.test(head.chain)
    ? suite.sha256(utf8(`{"chain":"${head.chain}","count":${head.count},"last":${head.last}}`))
    : suite.sha256(utf8(canonicalize({ count: head.count, last: head.last, chain: head.chain })));

/** The head after appending entry `index` (leaf hash `leaf`) to the subject whose head was `head`. */
export const nextHead = (suite: Suite, head: SubjectHead | undefined, index: number, leaf: Uint8Array): SubjectHead => ({
  count: (head?.count ?? 0) + 1,
  last: index,
  chain: toHex(chainHash(suite, head ? fromHex(head.chain)! : ZERO, leaf)),
});

/** The head of a subject whose entries have these leaves, in order (undefined for none). */
export const headOf = (suite: Suite, entries: ReadonlyArray<{ index: number; leaf: Uint8Array }>): SubjectHead | undefined => {
  let head: SubjectHead | undefined;
  for (const e of entries) head = nextHead(suite, head, e.index, e.leaf);
  return head;
};

const bit = (key: Uint8Array, depth: number): number => (key[depth >> 3] >> (7 - (depth & 7))) & 1;

const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
};

/** One buffer for the 65 bytes a node hash covers (hashing is synchronous and keeps no reference to its input). */
const scratch = new Uint8Array(65);
const nodeHash = (suite: Suite, tag: number, a: Uint8Array, b: Uint8Array): Uint8Array => {
  scratch[0] = tag;
  scratch.set(a, 1);
  scratch.set(b, 33);
  return suite.sha256(scratch);
};
const leafNodeHash = (suite: Suite, key: Uint8Array, value: Uint8Array): Uint8Array => nodeHash(suite, 0, key, value);
const branchHash = (suite: Suite, left: Uint8Array, right: Uint8Array): Uint8Array => nodeHash(suite, 1, left, right);

/**
 * Nodes are immutable apart from `hash`, which is computed on first use and kept
 * (updates between two roots share the work of hashing the paths they touch), and
 * `at`, the path of the node's stored record (see "Stored maps" below).
 */
interface Leaf {
  kind: 0;
  key: Uint8Array;
  head: SubjectHead;
  /** Known in a SubjectMap (its record names it); a SubjectTree finds its leaves by name instead. */
  subject?: string;
  hash?: Uint8Array;
  at?: string;
}
interface Branch {
  kind: 1;
  left: MapNode | undefined;
  right: MapNode | undefined;
  hash?: Uint8Array;
  at?: string;
}
/**
 * A stored node not read yet: its hash, from its parent's record. Read once, in place, and
 * then shared by every map holding the stub.
 */
interface Stub {
  kind: 2;
  hash: Uint8Array;
  loaded?: Leaf | Branch;
}
type MapNode = Leaf | Branch | Stub;

const hashOf = (suite: Suite, n: MapNode | undefined): Uint8Array => {
  if (!n) return ZERO;
  if (n.kind === 2) return n.hash;
  if (!n.hash)
    n.hash =
      n.kind === 0
        ? leafNodeHash(suite, n.key, headValue(suite, n.head))
        : branchHash(suite, hashOf(suite, n.left), hashOf(suite, n.right));
  return n.hash;
};

const branch = (left: MapNode | undefined, right: MapNode | undefined): Branch => ({ kind: 1, left, right });

/** The first `depth` bits of `key` as '0'/'1': the path of the node at that depth on the key's way down. */
const pathOf = (key: Uint8Array, depth: number): string => {
  let path = '';
  for (let d = 0; d < depth; d++) path += bit(key, d);
  return path;
};

/**
 * The node `n` as a leaf or branch: a stub is read from `source` (at the path `key`'s first
 * `depth` bits spell) the first time.
 */
const resolve = (source: NodeSource | undefined, n: MapNode | undefined, key: Uint8Array, depth: number): Leaf | Branch | undefined => {
  if (n?.kind !== 2) return n;
  if (!source) throw new TypeError('a stored subject-map node without a source');
  return (n.loaded ??= loadNode(source, n.hash, pathOf(key, depth)));
};

const insert = (node: MapNode | undefined, depth: number, leaf: Leaf, source?: NodeSource): MapNode => {
  const n = resolve(source, node, leaf.key, depth);
  if (!n) return leaf;
  if (n.kind === 0) {
    if (bytesEqual(n.key, leaf.key)) return leaf;
    // Two keys in one subtree: split until their bits differ.
    const b = bit(n.key, depth);
    if (bit(leaf.key, depth) !== b) return b === 0 ? branch(n, leaf) : branch(leaf, n);
    const down = insert(n, depth + 1, leaf);
    return b === 0 ? branch(down, undefined) : branch(undefined, down);
  }
  return bit(leaf.key, depth) === 0
    ? branch(insert(n.left, depth + 1, leaf, source), n.right)
    : branch(n.left, insert(n.right, depth + 1, leaf, source));
};

const find = (source: NodeSource | undefined, node: MapNode | undefined, key: Uint8Array): Leaf | undefined => {
  for (let depth = 0, n = resolve(source, node, key, 0); n; n = resolve(source, bit(key, depth) === 0 ? n.left : n.right, key, ++depth))
    if (n.kind === 0) return bytesEqual(n.key, key) ? n : undefined;
  return undefined;
};

/** A leaf of a SubjectTree: its head's chain also as bytes, so an append decodes no hex. */
interface TreeLeaf extends Leaf {
  chain: Uint8Array;
}

/**
 * The same map, updated in place: for a reader that only ever needs the newest
 * root (the verifier), an append allocates no path and, for a known subject, no
 * node and no key hash: its leaf is found by name. Its nodes are its own; it
 * never shares them with a SubjectMap.
 */
export class SubjectTree {
  private node: MapNode | undefined;
  private readonly leaves = new Map<string, TreeLeaf>();

  constructor(private readonly suite: Suite) {}

  /** Number of subjects. */
  get size(): number {
    return this.leaves.size;
  }

  root(): Uint8Array {
    return hashOf(this.suite, this.node);
  }

  /** Appends entry `index` (leaf hash `leaf`) to `subject` (nextHead). */
  append(subject: string, index: number, leaf: Uint8Array): void {
    const known = this.leaves.get(subject);
    const chain = chainHash(this.suite, known ? known.chain : ZERO, leaf);
    const head = { count: (known?.head.count ?? 0) + 1, last: index, chain: toHex(chain) };
    if (known) {
      known.head = head;
      known.chain = chain;
      known.hash = undefined;
      // The path's hashes are recomputed at the next root.
      let n = this.node;
      for (let depth = 0; n?.kind === 1; depth++) {
        n.hash = undefined;
        n = bit(known.key, depth) === 0 ? n.left : n.right;
      }
      return;
    }
    const added: TreeLeaf = { kind: 0, key: subjectKey(this.suite, subject), head, chain };
    this.leaves.set(subject, added);
    const upsert = (node: MapNode | undefined, depth: number): MapNode => {
      if (node?.kind !== 1) return insert(node, depth, added);
      node.hash = undefined;
      if (bit(added.key, depth) === 0) node.left = upsert(node.left, depth + 1);
      else node.right = upsert(node.right, depth + 1);
      return node;
    };
    this.node = upsert(this.node, 0);
  }
}

/** A persistent subject map (see the file comment), held in memory or read from a store as needed. */
export class SubjectMap {
  private constructor(
    private readonly suite: Suite,
    private readonly node: MapNode | undefined,
    private readonly source?: NodeSource,
  ) {}

  static empty(suite: Suite): SubjectMap {
    return new SubjectMap(suite, undefined);
  }

  /**
   * The map whose root is `root`, its nodes read from `source` when first needed (see "Stored
   * maps" below). Reads nothing: `check` reads the root's record.
   */
  static stored(suite: Suite, source: NodeSource, root: Uint8Array): SubjectMap {
    return new SubjectMap(suite, bytesEqual(root, ZERO) ? undefined : { kind: 2, hash: root }, source);
  }

  /**
   * Builds a map from heads (e.g. read back from a store; a subject given twice keeps its last
   * head): the leaves sorted by key, then the tree built top down, each node once — where m
   * `set`s would copy a path per subject. The tree's shape depends only on the set of keys, so
   * it is the one those `set`s would build. Nothing is hashed until a root or proof asks.
   */
  static of(suite: Suite, heads: Iterable<[string, SubjectHead]>): SubjectMap {
    const all: Leaf[] = [];
    for (const [subject, head] of heads) all.push({ kind: 0, key: subjectKey(suite, subject), head, subject });
    all.sort((a, b) => compareBytes(a.key, b.key)); // stable: a repeated key's last head comes last
    const leaves = all.filter((l, i) => i === all.length - 1 || !bytesEqual(l.key, all[i + 1].key));
    /** Leaves [lo, hi) share their first `depth` bits; those with bit `depth` set follow the others. */
    const build = (lo: number, hi: number, depth: number): MapNode | undefined => {
      if (hi - lo <= 1) return hi > lo ? leaves[lo] : undefined;
      let mid = lo;
      for (let top = hi; mid < top;) {
        const m = (mid + top) >> 1;
        if (bit(leaves[m].key, depth) === 0) mid = m + 1;
        else top = m;
      }
      return branch(build(lo, mid, depth + 1), build(mid, hi, depth + 1));
    };
    return new SubjectMap(suite, build(0, leaves.length, 0));
  }

  root(): Uint8Array {
    return hashOf(this.suite, this.node);
  }

  /** Reads the root's record, if it is stored: throws the source's error when it is missing or does not give the root. */
  check(): void {
    resolve(this.source, this.node, ZERO, 0);
  }

  /** A new map where `subject` has `head`; this map is unchanged. */
  set(subject: string, head: SubjectHead): SubjectMap {
    const leaf: Leaf = { kind: 0, key: subjectKey(this.suite, subject), head, subject };
    return new SubjectMap(this.suite, insert(this.node, 0, leaf, this.source), this.source);
  }

  get(subject: string): SubjectHead | undefined {
    return find(this.source, this.node, subjectKey(this.suite, subject))?.head;
  }

  /** The subject's head (undefined when absent) and the proof of it against root(). */
  prove(subject: string): { head: SubjectHead | undefined; proof: SubjectProof } {
    const key = subjectKey(this.suite, subject);
    const siblings: string[] = [];
    let n = resolve(this.source, this.node, key, 0);
    for (let depth = 0; n && n.kind === 1; depth++) {
      const right = bit(key, depth) === 1;
      siblings.push(toHex(hashOf(this.suite, right ? n.left : n.right)));
      n = resolve(this.source, right ? n.right : n.left, key, depth + 1);
    }
    if (n && bytesEqual(n.key, key)) return { head: n.head, proof: { siblings } };
    const other = n && { key: toHex(n.key), value: toHex(headValue(this.suite, n.head)) };
    return { head: undefined, proof: other ? { siblings, other } : { siblings } };
  }

  /**
   * The records of the nodes this map holds that are not stored yet (at their path), and marks
   * them stored: what a commit of this map writes beside the ones before it. Hashes every such node.
   */
  unstored(): Array<{ path: string; record: string }> {
    const out: Array<{ path: string; record: string }> = [];
    const walk = (n: MapNode | undefined, path: string): void => {
      if (!n || n.kind === 2 || n.at === path) return;
      n.at = path;
      if (n.kind === 0) {
        if (n.subject === undefined) throw new TypeError('a subject-map leaf without its subject cannot be stored');
        out.push({ path, record: JSON.stringify([n.subject, n.head.count, n.head.last, n.head.chain]) });
        return;
      }
      out.push({ path, record: `"${toBase64(hashOf(this.suite, n.left))}${toBase64(hashOf(this.suite, n.right))}"` });
      walk(n.left, path + '0');
      walk(n.right, path + '1');
    };
    walk(this.node, '');
    return out;
  }
}

// ---- Stored maps -------------------------------------------------------------------------
//
// A store keeps one record per node of the newest committed map, by path (the node's bits from
// the root, as '0'/'1'; the root's path is empty), written in the same atomic commit as the
// entries whose subjects moved it:
//
//   branch  a JSON string: base64(H(left)) ‖ base64(H(right)), an empty side as 32 zero bytes
//   leaf    a JSON array:  [subject, count, last, chain]
//
// A commit writes the nodes its updates created (`unstored`); a record is only ever replaced
// by the node that took its path. A stored map starts as a stub of the signed root and reads a
// node the first time a lookup, update or proof passes it — checking it against the hash its
// parent committed to, so a record altered in the store is caught where it is read. Why an older
// map stays right while newer commits rewrite records: before any commit rewrites the records
// under a path, the update that changed that subtree passed through it and so read (in place,
// for every map sharing it) the stub an older map holds there.

/** Where a stored map reads its records, and what it throws when one is wrong. */
export interface NodeSource {
  readonly suite: Suite;
  read(path: string): string | undefined;
  corrupt(path: string, why: string): Error;
}

const B64_HASH = /^[A-Za-z0-9+/]{43}=$/;

const loadNode = (source: NodeSource, hash: Uint8Array, path: string): Leaf | Branch => {
  const text = source.read(path);
  if (text === undefined) throw source.corrupt(path, 'is missing');
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    throw source.corrupt(path, 'is not JSON');
  }
  let node: Leaf | Branch;
  if (typeof record === 'string') {
    const l = record.slice(0, 44);
    const r = record.slice(44);
    if (!B64_HASH.test(l) || !B64_HASH.test(r)) throw source.corrupt(path, 'is not a branch of two hashes');
    const [left, right] = [fromBase64(l)!, fromBase64(r)!];
    node = branch(
      bytesEqual(left, ZERO) ? undefined : { kind: 2, hash: left },
      bytesEqual(right, ZERO) ? undefined : { kind: 2, hash: right },
    );
  } else {
    const [subject, count, last, chain] = Array.isArray(record) && record.length === 4 ? record : [];
    const head = { count, last, chain } as SubjectHead;
    if (typeof subject !== 'string' || !isSubjectHead(head)) throw source.corrupt(path, 'is neither a branch nor a leaf');
    node = { kind: 0, key: subjectKey(source.suite, subject), head, subject };
    if (pathOf(node.key, path.length) !== path) throw source.corrupt(path, `holds ${subject}, whose key is not on this path`);
  }
  node.at = path;
  if (!bytesEqual(hashOf(source.suite, node), hash)) throw source.corrupt(path, 'does not give the hash its parent commits to');
  return node;
};

/** A subject's head in a map and the proof of it (or of its absence). */
export interface SubjectEvidence {
  subject: string;
  head: SubjectHead | null;
  proof: SubjectProof;
}

/** The evidence for each of `subjects` in `map`. */
export const proveSubjects = (map: SubjectMap, subjects: readonly string[]): SubjectEvidence[] =>
  subjects.map((subject) => {
    const { head, proof } = map.prove(subject);
    return { subject, head: head ?? null, proof };
  });

const hexHash = (s: unknown): Uint8Array | undefined => {
  const b = typeof s === 'string' ? fromHex(s) : undefined;
  return b && b.length === 32 ? b : undefined;
};

/** Whether `head` is well formed: count ≥ 1, last ≥ 0, chain a 32-byte hex hash. */
export const isSubjectHead = (h: unknown): h is SubjectHead => {
  const x = h as SubjectHead;
  return (
    !!x &&
    typeof x === 'object' &&
    Number.isSafeInteger(x.count) &&
    x.count >= 1 &&
    Number.isSafeInteger(x.last) &&
    x.last >= 0 &&
    hexHash(x.chain) !== undefined
  );
};

/**
 * Checks that `root` maps `subject` to `head` (undefined: to nothing) by `proof`.
 * Returns a reason on failure.
 */
export const verifySubjectProof = (
  suite: Suite,
  root: Uint8Array,
  subject: string,
  head: SubjectHead | undefined,
  proof: SubjectProof,
): string | undefined => {
  if (!proof || typeof proof !== 'object' || !Array.isArray(proof.siblings) || proof.siblings.length > 256)
    return 'the map proof is malformed';
  const siblings: Uint8Array[] = [];
  for (const s of proof.siblings) {
    const b = hexHash(s);
    if (!b) return 'the map proof is malformed';
    siblings.push(b);
  }
  const key = subjectKey(suite, subject);
  let node: Uint8Array;
  if (head !== undefined) {
    if (!isSubjectHead(head)) return 'the head is malformed';
    if (proof.other !== undefined) return 'a membership proof names another key';
    node = leafNodeHash(suite, key, headValue(suite, head));
  } else if (proof.other !== undefined) {
    const otherKey = hexHash(proof.other?.key);
    const otherValue = hexHash(proof.other?.value);
    if (!otherKey || !otherValue) return 'the map proof is malformed';
    if (bytesEqual(otherKey, key)) return 'the non-membership proof names the subject itself';
    // The other key must lie on the subject's path as far as the proof goes.
    for (let d = 0; d < siblings.length; d++)
      if (bit(otherKey, d) !== bit(key, d)) return 'the non-membership proof names a key off the path';
    node = leafNodeHash(suite, otherKey, otherValue);
  } else {
    node = ZERO;
  }
  for (let d = siblings.length - 1; d >= 0; d--)
    node = bit(key, d) === 0 ? branchHash(suite, node, siblings[d]) : branchHash(suite, siblings[d], node);
  return bytesEqual(node, root) ? undefined : `the map proof for ${subject} does not lead to the subject root`;
};

// ---- The subject note --------------------------------------------------------------------

/** The key name (and first line) of the subject note of the log `origin`. */
export const subjectNoteName = (origin: string): string => `${origin}/subjects`;

export const formatSubjectText = (origin: string, size: number, root: Uint8Array): string =>
  `${subjectNoteName(origin)}\n${size}\n${toBase64(root)}\n`;

/** Signs the subject note with the operator's seed (Ed25519, key name `<origin>/subjects`). */
export const signSubjectNote = (suite: Suite, seed: Uint8Array, origin: string, size: number, root: Uint8Array): string => {
  const name = subjectNoteName(origin);
  const text = formatSubjectText(origin, size, root);
  return formatNote(text, [signNoteLine(suite, name, seed, text)]);
};

/** What the JSON checkpoint carries beside the tlog checkpoint: the map root (hex) and its signed note. */
export interface SubjectCommitment {
  root: string;
  note: string;
}

export const subjectCommitment = (suite: Suite, seed: Uint8Array, origin: string, size: number, root: Uint8Array): SubjectCommitment => ({
  root: toHex(root),
  note: signSubjectNote(suite, seed, origin, size, root),
});

/**
 * Checks a subject note: well formed, for `origin` at `size`, signed by the
 * operator key under `<origin>/subjects`. Returns the root, or a reason.
 */
export const verifySubjectNote = (
  suite: Suite,
  note: string,
  origin: string,
  size: number,
  publicKey: Uint8Array,
): { root: Uint8Array } | { reason: string } => {
  const parsed = typeof note === 'string' ? parseNote(note) : undefined;
  if (!parsed) return { reason: 'the subject note is not a well-formed signed note' };
  const lines = parsed.text.slice(0, -1).split('\n');
  const name = subjectNoteName(origin);
  if (lines.length !== 3 || lines[0] !== name) return { reason: `the subject note is not one for ${name}` };
  if (lines[1] !== String(size)) return { reason: `the subject note is for size ${lines[1]}, not ${size}` };
  const root = fromBase64(lines[2]);
  if (!root || root.length !== 32 || toBase64(root) !== lines[2]) return { reason: 'the subject note root is not a hash' };
  const keyId = computeKeyId(suite, name, ED25519_TYPE, publicKey);
  const sig = parsed.signatures.find((s) => s.name === name && s.keyId === keyId);
  if (!sig) return { reason: 'the subject note carries no signature by the operator key' };
  if (!verifyNoteSignature(suite, parsed.text, sig, { name, keyId, type: ED25519_TYPE, publicKey, vkey: '' }))
    return { reason: 'the operator signature on the subject note does not verify' };
  return { root };
};

/**
 * Checks the witnesses' cosignatures (cosignature/v1, c2sp.org/tlog-cosignature) on a
 * subject note against a policy: every signature line of a policy witness must verify
 * over the note's text, and they must meet the policy's quorum. The operator's own
 * signature is checked by verifySubjectNote. Returns witness name → cosignature time
 * (POSIX seconds), or why not.
 */
export const verifySubjectQuorum = (suite: Suite, policy: Policy, note: string): Map<string, number> | string => {
  const parsed = typeof note === 'string' ? parseNote(note) : undefined;
  if (!parsed) return 'the subject note is not a well-formed signed note';
  const cosigned = new Map<string, number>();
  for (const sig of parsed.signatures) {
    const w = policy.witnesses.find((x) => x.key.name === sig.name && x.key.keyId === sig.keyId);
    if (!w) continue;
    const c = verifyCosignature(suite, parsed.text, sig, w.key);
    if (!c) return `the cosignature of witness ${w.name} on the subject note does not verify`;
    cosigned.set(w.name, c.time);
  }
  if (!quorumMet(policy.quorum, new Set(cosigned.keys())))
    return `the witness quorum is not met on the subject note (cosigned by ${[...cosigned.keys()].join(', ') || 'none'})`;
  return cosigned;
};
