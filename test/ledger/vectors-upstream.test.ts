/**
 * The project's vectors (test/vectors/) are copies of the protocol's published vectors. Where the
 * upstream folder is checked out beside the repository (a folder `shared/vectors` next to the
 * repository's own folder, as in the project's workspace), every file must be byte-identical on both
 * sides and none may be missing from the project; in a clone of the project alone the comparison is
 * skipped, and the copies are what the tests use. The project adds vectors of its own only for what the
 * protocol leaves to it (PROJECT_VECTORS, each specified in docs/SPEC.md).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { VECTORS_DIR } from '../helpers/vectors.js';

/** `shared/vectors` beside the repository: test/vectors → test → the repository → its parent. */
const UPSTREAM_DIR = resolve(VECTORS_DIR, '..', '..', '..', 'shared', 'vectors');
const upstreamPresent = existsSync(UPSTREAM_DIR);

/** The project's own vectors: the subject map of SPEC §12, whose design the protocol leaves to the project. */
const PROJECT_VECTORS = ['anxin-subjects-v1.json'];

/** Every regular file under `dir`, as paths relative to it with '/' separators, sorted. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p).split(/[\\/]/).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

if (!upstreamPresent) {
  // Visible in the run's output, so a skipped comparison is never mistaken for a passing one.
  console.info(`upstream vectors not found at ${UPSTREAM_DIR}: the comparison with the project's copies is skipped`);
}

const describeWithUpstream = upstreamPresent ? describe : describe.skip;

const title = upstreamPresent
  ? 'the project vectors against the upstream vectors beside the repository'
  : 'the project vectors against the upstream vectors (skipped: no upstream vectors beside the repository)';

describeWithUpstream(title, () => {
  const ours = upstreamPresent ? filesUnder(VECTORS_DIR) : [];
  const theirs = upstreamPresent ? filesUnder(UPSTREAM_DIR) : [];

  test('when a file is upstream, then the project has a copy of it', () => {
    expect(theirs.filter((f) => !ours.includes(f))).toEqual([]);
  });

  test("when the project has a vector file, then it is upstream too, or one of the project's own", () => {
    expect(ours.filter((f) => !theirs.includes(f) && !PROJECT_VECTORS.includes(f))).toEqual([]);
  });

  test('when a file is on both sides, then its bytes are identical', () => {
    const differing = ours
      .filter((f) => theirs.includes(f))
      .filter((f) => !readFileSync(join(VECTORS_DIR, f)).equals(readFileSync(join(UPSTREAM_DIR, f))));
    expect(differing).toEqual([]);
  });

  test('the comparison covers the three vector sets', () => {
    expect(ours).toEqual(expect.arrayContaining(['anxin-v1.json', 'c2sp-v1.json', 'c2sp/tessera-testdata/checkpoint']));
  });
});
