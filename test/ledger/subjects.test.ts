/**
 * The subject map (SPEC §12, ledger/subjects.ts): membership and non-membership
 * proofs at every size, persistence (an older map stays provable after updates),
 * tampered proofs, and the subject note.
 */
import {
  SubjectMap,
  SubjectTree,
  nextHead,
  signSubjectNote,
  verifySubjectNote,
  verifySubjectProof,
  fromBase64Url,
  toHex,
  type SubjectHead,
  type SubjectProof,
} from '../../ledger/portable.js';
import { nodeSuite } from '../../ledger/suite-node.js';
import { nobleSuite } from '../../ledger/suite-noble.js';

const suite = nodeSuite;
const leafOf = (i: number) => suite.sha256(new Uint8Array([i, i >> 8, 7]));
const subjects = Array.from({ length: 40 }, (_, i) => (i % 2 ? `lot:L-${i}` : `card:C-${i}`));

/** Appends entry i to subject i mod 13 for 200 entries; returns the maps after each and the heads. */
const grow = () => {
  let map = SubjectMap.empty(suite);
  const heads = new Map<string, SubjectHead>();
  const maps: SubjectMap[] = [map];
  for (let i = 0; i < 200; i++) {
    const s = subjects[(i * 7) % 13];
    const h = nextHead(suite, heads.get(s), i, leafOf(i));
    heads.set(s, h);
    map = map.set(s, h);
    maps.push(map);
  }
  return { map, heads, maps };
};

describe('SubjectMap', () => {
  test('when empty, then its root is 32 zero bytes and every subject is proved absent', () => {
    const m = SubjectMap.empty(suite);
    expect(toHex(m.root())).toBe('0'.repeat(64));
    const { head, proof } = m.prove('lot:X');
    expect(head).toBeUndefined();
    expect(verifySubjectProof(suite, m.root(), 'lot:X', undefined, proof)).toBeUndefined();
  });

  test('when it holds one subject, then its root is that subject’s leaf hash and the proof has no siblings', () => {
    const h = nextHead(suite, undefined, 3, leafOf(3));
    const m = SubjectMap.empty(suite).set('card:C-1', h);
    expect(m.prove('card:C-1')).toEqual({ head: h, proof: { siblings: [] } });
    expect(verifySubjectProof(suite, m.root(), 'card:C-1', h, { siblings: [] })).toBeUndefined();
  });

  test('when subjects are updated, then every member proves its head and every non-member its absence, at every size', () => {
    const { maps } = grow();
    for (const m of maps.filter((_, i) => i % 17 === 0 || i === maps.length - 1))
      for (const s of [...subjects, 'merchant:nobody']) {
        const { head, proof } = m.prove(s);
        expect(verifySubjectProof(suite, m.root(), s, head, proof)).toBeUndefined();
        expect(head).toEqual(m.get(s));
      }
  });

  test('when later updates are made, then an older map is unchanged (it is persistent)', () => {
    const { maps } = grow();
    const rebuilt = SubjectMap.of(
      suite,
      subjects.flatMap((s) => (maps[50].get(s) ? [[s, maps[50].get(s)!] as [string, SubjectHead]] : [])),
    );
    expect(toHex(maps[50].root())).toBe(toHex(rebuilt.root()));
  });

  test('when built in a different order, then the root is the same (it depends on the contents only)', () => {
    const { map, heads } = grow();
    const reversed = SubjectMap.of(suite, [...heads].reverse());
    expect(toHex(reversed.root())).toBe(toHex(map.root()));
  });

  test('when entries are appended to a SubjectTree (updated in place), then its root is the map’s set to their heads, whether taken after every append or after several', () => {
    const { map, maps } = grow();
    const tree = new SubjectTree(suite);
    for (let i = 0; i < 200; i++) {
      tree.append(subjects[(i * 7) % 13], i, leafOf(i));
      if (i % 5 !== 3) expect(toHex(tree.root())).toBe(toHex(maps[i + 1].root()));
      expect(tree.size).toBe(new Set(Array.from({ length: i + 1 }, (_, k) => subjects[(k * 7) % 13])).size);
    }
    expect(toHex(tree.root())).toBe(toHex(map.root()));
  });

  test('when the @noble suite computes the same map, then the root is the same', () => {
    const { heads, map } = grow();
    expect(toHex(SubjectMap.of(nobleSuite, heads).root())).toBe(toHex(map.root()));
  });
});

describe('verifySubjectProof on a tampered proof', () => {
  const { map } = grow();
  const s = subjects[(5 * 7) % 13];
  const { head, proof } = map.prove(s);
  const bad = (h: SubjectHead | undefined, p: SubjectProof) => verifySubjectProof(suite, map.root(), s, h, p);

  test('when the head claims one entry fewer, then it fails', () => {
    expect(bad({ ...head!, count: head!.count - 1 }, proof)).toMatch(/does not lead to the subject root/);
  });
  test('when a sibling is flipped, then it fails', () => {
    const siblings = [...proof.siblings];
    siblings[0] = siblings[0].replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(bad(head, { siblings })).toMatch(/does not lead/);
  });
  test('when a sibling is dropped, then it fails', () => {
    expect(bad(head, { siblings: proof.siblings.slice(1) })).toMatch(/does not lead/);
  });
  test('when a member is claimed absent, then it fails', () => {
    expect(bad(undefined, proof)).toMatch(/does not lead/);
  });
  test('when a non-membership proof names the subject itself, then it fails', () => {
    const other = { key: toHex(suite.sha256(new TextEncoder().encode(s))), value: '00'.repeat(32) };
    expect(bad(undefined, { siblings: proof.siblings, other })).toBe('the non-membership proof names the subject itself');
  });
  test('when the proof is not a proof, then it fails without throwing', () => {
    expect(bad(head, { siblings: ['zz'] })).toBe('the map proof is malformed');
    expect(bad(head, null as never)).toBe('the map proof is malformed');
  });
});

describe('the subject note', () => {
  const seed = suite.sha256(new TextEncoder().encode('operator'));
  const pub = suite.publicKey(seed);
  const root = grow().map.root();
  const note = signSubjectNote(suite, seed, 'anxin.test/ledger', 42, root);

  test('when signed, then it is "<origin>/subjects", the size and the base64 root, signed under <origin>/subjects', () => {
    expect(note.split('\n').slice(0, 4)).toEqual(['anxin.test/ledger/subjects', '42', Buffer.from(root).toString('base64'), '']);
    expect(note).toMatch(/\n— anxin\.test\/ledger\/subjects [A-Za-z0-9+/=]+\n$/);
    expect(verifySubjectNote(suite, note, 'anxin.test/ledger', 42, pub)).toEqual({ root });
  });
  test('when presented for another size, origin or key, then it is refused', () => {
    expect(verifySubjectNote(suite, note, 'anxin.test/ledger', 43, pub)).toEqual({ reason: 'the subject note is for size 42, not 43' });
    expect(verifySubjectNote(suite, note, 'other.test/log', 42, pub)).toMatchObject({ reason: expect.stringContaining('not one for') });
    const other = suite.publicKey(suite.sha256(new Uint8Array([1])));
    expect(verifySubjectNote(suite, note, 'anxin.test/ledger', 42, other)).toMatchObject({
      reason: expect.stringContaining('no signature'),
    });
  });
  test('when the root line is changed, then the signature does not verify', () => {
    const forged = note.replace(/\n([A-Za-z0-9+/]{43}=)\n/, `\n${Buffer.alloc(32, 1).toString('base64')}\n`);
    expect(verifySubjectNote(suite, forged, 'anxin.test/ledger', 42, pub)).toEqual({
      reason: 'the operator signature on the subject note does not verify',
    });
  });
  void fromBase64Url;
});
