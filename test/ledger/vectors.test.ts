/**
 * Every wire format reproduces test/vectors/anxin-v1.json byte for byte,
 * with node:crypto and with @noble/*.
 */
import {
  canonicalize,
  signingInput,
  signEnvelope,
  cosignEnvelope,
  entryLeaf,
  chainHash,
  makeEntry,
  rootFromLeaves,
  emptyRoot,
  verifyInclusion,
  verifyConsistency,
  signCheckpoint,
  verifyCheckpoint,
  noteKeyId,
  fromBase64Url,
  fromHex,
  toHex,
  ZERO_HASH,
  type Suite,
} from '../../ledger/portable.js';
import { nodeSuite } from '../../ledger/suite-node.js';
import { nobleSuite } from '../../ledger/suite-noble.js';
import { Frontier, proveInclusion, proveConsistency, treeRoot, type NodeReader } from '../../ledger/merkle.js';
import { vectors } from '../helpers/vectors.js';

const seedOf = (name: string) => fromBase64Url(vectors.keys[name].seed)!;
const text = new TextDecoder();

/** Which vector key signs for each actor, derived from the genesis and registration events. */
const keyNameOf = (() => {
  const byPublicKey = new Map(Object.entries(vectors.keys).map(([name, k]) => [k.publicKey, name]));
  const actors = new Map<string, string>();
  for (const { envelope } of vectors.events) {
    if (envelope.type === 'ledger.genesis') {
      actors.set('operator', byPublicKey.get(envelope.body.operatorKey)!);
      for (const r of envelope.body.regulators) actors.set(r.id, byPublicKey.get(r.publicKey)!);
    }
    if (envelope.type === 'actor.register') actors.set(envelope.body.id, byPublicKey.get(envelope.body.publicKey)!);
  }
  return (actor: string) => actors.get(actor)!;
})();

const leaves = vectors.entries.map((e) => fromHex(e.leaf)!);

/** A node reader over a tree built the way the store builds it: every node a Frontier push creates. */
const storedTree = (suite: Suite): NodeReader => {
  const nodes = new Map<string, Uint8Array>();
  const f = Frontier.empty(suite);
  for (const leaf of leaves) for (const n of f.push(leaf)) nodes.set(`${n.level}/${n.index}`, n.hash);
  return async (ids) => ids.map((id) => nodes.get(`${id.level}/${id.index}`)!);
};

describe('canonical JSON (RFC 8785)', () => {
  test.each(vectors.jcs.map((v) => [v.canonical, v]))('canonicalizes to %s', (_, v) => {
    expect(canonicalize(v.input)).toBe(v.canonical);
  });

  test('when members arrive out of order, or with integer-like names (enumerated numerically), then they are sorted as UTF-16 code units', () => {
    expect(canonicalize({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(canonicalize({ 2: 'two', 10: 'ten', a: 0 })).toBe('{"10":"ten","2":"two","a":0}');
    expect(canonicalize(JSON.parse('{"a":1,"b":[{"y":1,"x":2}]}'))).toBe('{"a":1,"b":[{"x":2,"y":1}]}');
  });

  test('when a member is undefined, then it is left out, in order or not', () => {
    expect(canonicalize({ a: 1, b: undefined, c: 2 })).toBe('{"a":1,"c":2}');
    expect(canonicalize({ c: 2, b: undefined, a: 1 })).toBe('{"a":1,"c":2}');
  });

  test('when a string or a member name holds a lone surrogate, then it is refused', () => {
    expect(() => canonicalize({ s: 'a\uD800b' })).toThrow(TypeError);
    expect(() => canonicalize({ ['\uDC00']: 1 })).toThrow(TypeError);
    expect(canonicalize('\uD83D\uDE00')).toBe('"😀"');
  });
});

describe.each([
  ['node:crypto', nodeSuite],
  ['@noble', nobleSuite],
])('with %s', (_name, suite) => {
  describe('event envelopes', () => {
    test.each(vectors.events.map((v) => [v.envelope.id, v]))('%s: signing input, sig and cosig match', (_id, v) => {
      expect(text.decode(signingInput(v.envelope))).toBe(v.signingInput);
      const { sig: _s, cosig, ...unsigned } = v.envelope;
      let signed = signEnvelope(suite, seedOf(keyNameOf(v.envelope.actor)), unsigned);
      expect(signed.sig).toBe(v.envelope.sig);
      if (cosig) {
        signed = cosignEnvelope(suite, seedOf('holder'), signed, 'holder');
        expect(signed.cosig).toEqual(cosig);
      }
      expect(
        suite.verify(
          fromBase64Url(vectors.keys[keyNameOf(v.envelope.actor)].publicKey)!,
          signingInput(v.envelope),
          fromBase64Url(v.envelope.sig)!,
        ),
      ).toBe(true);
    });

    test('public keys derive from the seeds', () => {
      for (const k of Object.values(vectors.keys))
        expect(toHex(suite.publicKey(fromBase64Url(k.seed)!))).toBe(toHex(fromBase64Url(k.publicKey)!));
    });
  });

  describe('entries', () => {
    test.each(vectors.entries.map((e) => [e.index, e]))('entry %i: leaf, prev and hash match', (_i, e) => {
      const prev = e.index === 0 ? ZERO_HASH : fromHex(vectors.entries[e.index - 1].hash)!;
      expect(toHex(entryLeaf(suite, e.index, e.at, e.event))).toBe(e.leaf);
      expect(e.prev).toBe(toHex(prev));
      expect(toHex(chainHash(suite, prev, fromHex(e.leaf)!))).toBe(e.hash);
      expect(makeEntry(suite, e.index, e.at, e.event, prev)).toEqual(e);
    });
  });

  describe('Merkle tree (RFC 9162)', () => {
    test('the empty root is SHA-256 of nothing', () => {
      expect(toHex(emptyRoot(suite))).toBe(vectors.merkle.emptyRoot);
    });

    test.each(vectors.merkle.roots.map((r) => [r.size, r]))(
      'root at size %i matches, from leaves and from the stored tree',
      async (size, r) => {
        expect(toHex(rootFromLeaves(suite, leaves.slice(0, size)))).toBe(r.root);
        expect(toHex(await treeRoot(suite, size, storedTree(suite)))).toBe(r.root);
      },
    );

    test.each(vectors.merkle.inclusion.map((p) => [p.index, p.size, p]))(
      'inclusion of %i in %i: path matches and verifies',
      async (index, size, p) => {
        const path = await proveInclusion(suite, index, size, storedTree(suite));
        expect(path.map(toHex)).toEqual(p.path);
        const root = fromHex(vectors.merkle.roots[size - 1].root)!;
        expect(verifyInclusion(suite, index, size, leaves[index], path, root)).toBe(true);
      },
    );

    test.each(vectors.merkle.consistency.map((p) => [p.from, p.to, p]))(
      'consistency %i → %i: path matches and verifies',
      async (from, to, p) => {
        const path = await proveConsistency(suite, from, to, storedTree(suite));
        expect(path.map(toHex)).toEqual(p.path);
        const root = (n: number) => fromHex(vectors.merkle.roots[n - 1].root)!;
        expect(verifyConsistency(suite, from, to, root(from), root(to), path)).toBe(true);
      },
    );
  });

  describe('checkpoint (C2SP signed note)', () => {
    const cp = vectors.checkpoint;
    test('the note, key ID and JSON form match', () => {
      const signed = signCheckpoint(suite, seedOf('operator'), {
        origin: cp.origin,
        size: cp.size,
        root: fromHex(cp.root)!,
        head: fromHex(cp.head)!,
      });
      expect(signed.note).toBe(cp.note);
      expect(signed).toEqual({ origin: cp.origin, size: cp.size, root: cp.root, head: cp.head, note: cp.note });
      expect(toHex(noteKeyId(suite, cp.origin, fromBase64Url(vectors.keys.operator.publicKey)!))).toBe(cp.keyId);
    });

    test('it verifies with the operator key and not with another', () => {
      expect(verifyCheckpoint(suite, cp, cp.origin, fromBase64Url(vectors.keys.operator.publicKey)!)).toBeUndefined();
      expect(verifyCheckpoint(suite, cp, cp.origin, fromBase64Url(vectors.keys.regulator.publicKey)!)).toMatch(/no signature/);
    });

    test('its root and head are those of the vector log', () => {
      expect(cp.size).toBe(vectors.entries.length);
      expect(toHex(rootFromLeaves(suite, leaves))).toBe(cp.root);
      expect(cp.head).toBe(vectors.entries[vectors.entries.length - 1].hash);
    });
  });
});
