/**
 * The subject map reproduces test/vectors/anxin-subjects-v1.json (SPEC §12) byte
 * for byte over the entries of anxin-v1.json, with node:crypto and with @noble/*:
 * keys, JCS heads and values, the root after every entry, every proof (members
 * and non-members), and the operator's subject note.
 */
import { readFileSync } from 'node:fs';
import {
  SubjectMap,
  canonicalize,
  fromBase64Url,
  fromHex,
  headValue,
  nextHead,
  signSubjectNote,
  subjectKey,
  toHex,
  verifySubjectNote,
  verifySubjectProof,
  type Suite,
} from '../../ledger/portable.js';
import { nodeSuite } from '../../ledger/suite-node.js';
import { nobleSuite } from '../../ledger/suite-noble.js';
import { vectors } from '../helpers/vectors.js';

const subjects = JSON.parse(readFileSync(new URL('../vectors/anxin-subjects-v1.json', import.meta.url), 'utf8'));

describe.each([
  ['node:crypto', nodeSuite],
  ['@noble', nobleSuite],
] as Array<[string, Suite]>)('the subject vectors with %s', (_name, suite) => {
  const concerns = new Map<number, string[]>(subjects.concerns.map((c: { index: number; subjects: string[] }) => [c.index, c.subjects]));
  let map = SubjectMap.empty(suite);
  const roots = [{ size: 0, root: toHex(map.root()) }];
  for (const e of vectors.entries) {
    for (const s of concerns.get(e.index) ?? []) map = map.set(s, nextHead(suite, map.get(s), e.index, fromHex(e.leaf)!));
    roots.push({ size: e.index + 1, root: toHex(map.root()) });
  }

  test('when every entry concerns its subjects in order, then the root after each entry is the vector’s', () => {
    expect(roots).toEqual(subjects.roots);
  });

  test('when each subject is looked up, then its key, head, JCS, value and proof are the vector’s, and the proof verifies', () => {
    const root = map.root();
    for (const v of subjects.subjects) {
      expect(toHex(subjectKey(suite, v.subject))).toBe(v.key);
      const head = map.get(v.subject);
      expect(head ?? null).toEqual(v.head);
      if (head) {
        expect(canonicalize(head)).toBe(v.jcs);
        expect(toHex(headValue(suite, head))).toBe(v.value);
      }
      expect(map.prove(v.subject).proof).toEqual(v.proof);
      expect(verifySubjectProof(suite, root, v.subject, v.head ?? undefined, v.proof)).toBeUndefined();
    }
  });

  test('when the operator signs the final root, then the subject note is the vector’s and verifies', () => {
    const seed = fromBase64Url(vectors.keys.operator.seed)!;
    const size = vectors.entries.length;
    expect(signSubjectNote(suite, seed, vectors.origin, size, map.root())).toBe(subjects.note);
    expect(verifySubjectNote(suite, subjects.note, vectors.origin, size, suite.publicKey(seed))).toEqual({ root: map.root() });
  });

  test('when the vectors cover membership and both kinds of non-membership, then none is missing', () => {
    const kinds = new Set(
      subjects.subjects.map((v: { head: unknown; proof: { other?: unknown } }) => (v.head ? 'member' : v.proof.other ? 'other' : 'empty')),
    );
    expect([...kinds].sort()).toEqual(['empty', 'member', 'other']);
  });
});
