/**
 * docs/SPEC.md is the project's own protocol text: its error table names every
 * code the service can answer with the status the code gives it, and nothing in
 * the repository points outside it (a clone must explain and test itself).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ERROR_STATUS } from '../../schemas/errors.js';

const ROOT = process.cwd();
const spec = readFileSync(join(ROOT, 'docs/SPEC.md'), 'utf8');

/** `| 422 | \`code\` | …` rows of the "### Errors" table: code → status. */
const specTable = (): Map<string, number> => {
  const section = spec.slice(spec.indexOf('### Errors'), spec.indexOf('### Exports'));
  const rows = new Map<string, number>();
  for (const m of section.matchAll(/^\| (\d{3}) \| `([a-z_]+)` \|/gm)) rows.set(m[2], Number(m[1]));
  return rows;
};

describe('the error table of docs/SPEC.md', () => {
  const table = specTable();

  test('the table is found and lists codes', () => {
    expect(table.size).toBeGreaterThan(40);
  });

  test.each(Object.entries(ERROR_STATUS))('when the service answers %s, then the SPEC lists it with status %d', (code, status) => {
    expect(table.get(code)).toBe(status);
  });
});

/** Text files of the repository, without installed, built or generated data. */
const SKIP = new Set(['node_modules', 'dist', '.git', 'data', 'demo-data', 'coverage', 'vectors']);
const TEXT = /\.(ts|js|mjs|cjs|json|md|ya?ml|sh|html|css)$|^run$/;
const repoFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (SKIP.has(e.name) || e.name === 'package-lock.json') return [];
    const p = join(dir, e.name);
    if (e.isDirectory()) return repoFiles(p);
    return TEXT.test(e.name) ? [p] : [];
  });

describe('the repository stands on its own', () => {
  const files = repoFiles(ROOT);
  // Spelled in pieces so that this file does not match itself.
  const outside = ['..' + '/shared', '/work' + '/shared', '/work' + '/main', '/work' + '/wt'];

  test('it has sources, tests and docs to look at', () => {
    const names = files.map((f) => relative(ROOT, f));
    expect(names).toEqual(expect.arrayContaining(['README.md', 'docs/SPEC.md', 'docs/CONTRIBUTING.md', 'package.json']));
  });

  test('when a file is read, then it names no folder outside the repository', () => {
    const offenders = files.flatMap((f) => {
      const text = readFileSync(f, 'utf8');
      return outside.filter((s) => text.includes(s)).map((s) => `${relative(ROOT, f)}: ${s}`);
    });
    expect(offenders).toEqual([]);
  });

  test('the README points at docs/SPEC.md for the contract', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme.match(/\(docs\/SPEC\.md\)/)?.[0]).toBe('(docs/SPEC.md)');
  });
});
