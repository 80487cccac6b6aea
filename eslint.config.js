/**
 * ESLint: typescript-eslint's recommended rules, and the layer rules of
 * docs/ARCHITECTURE.md as import boundaries. Every boundary is checked on the
 * resolved file (import-x/no-restricted-paths), so a relative path cannot slip
 * past it; packages are checked by name (no-restricted-imports); and no module
 * may import itself through a cycle (import-x/no-cycle). test/lint/boundaries
 * .test.ts proves each family fails on a deliberately bad import.
 */
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Zones are resolved from the project root, wherever ESLint runs from. */
const ROOT = fileURLToPath(new URL('.', import.meta.url));

/** The plug-in folders, lowest first: a pure half may import the pure halves of the ones before it. */
const PLUGINS = ['actors', 'cards', 'trace', 'regulator'];

/** The pure halves (rules, state, observers, views over state): everything of a plug-in but its HTTP half. */
const PURE = [
  'src/domain/**',
  'src/actors/!(*routes).ts',
  'src/cards/!(*routes).ts',
  'src/trace/!(*routes|view-cache).ts',
  'src/trace/rules/**',
  'src/regulator/anomalies/**',
  'src/regulator/{index,rating,merchant-rating}.ts',
];

/** Code that runs in browsers: only the portable engine, its own folder and (type-only) wire schemas. */
const BROWSER = ['src/pages/browser/**', 'src/client/**'];

/** Pure rule modules that browsers bundle too, so pages derive what they show with the server's own rules. */
const PORTABLE_RULES = ['src/trace/derive.ts'];

const zones = [
  // The engine knows nothing above it.
  {
    target: './ledger',
    from: ['./src', './schemas', './scripts', './test', './bench'],
    message: 'ledger/ is the domain-agnostic engine: it imports nothing from src/, schemas/, scripts/, test/ or bench/.',
  },
  // Wire types know nothing of the service.
  {
    target: './schemas',
    from: ['./src', './scripts', './test', './bench'],
    message: 'schemas/ (zod wire types) imports nothing from src/ or scripts/.',
  },
  // src/ reaches the engine only through its public surface (browsers: the portable entry and the noble suite).
  {
    target: './src',
    from: './ledger',
    except: ['./index.ts', './portable.ts', './suite-noble.ts'],
    message: 'src/ uses the engine only through ledger/index.ts (browser code: ledger/portable.ts and ledger/suite-noble.ts).',
  },
  // Browser code and the client: no server code.
  // The one exception is a portable rule module, so that a page replays the server's own rules (SPEC §12).
  ...BROWSER.map((glob) => ({
    target: `./${glob}`,
    from: './src',
    except: ['./pages/browser', './client', ...PORTABLE_RULES.map((file) => `./${file.slice('src/'.length)}`)],
    message:
      'browser code and the client import no server code: only ledger/portable.ts, ledger/suite-noble.ts, their own folder, type-only schemas and the portable rule modules.',
  })),
  {
    target: BROWSER.map((glob) => `./${glob}`),
    from: './ledger',
    except: ['./portable.ts', './suite-noble.ts'],
    message: 'browser code and the client import the engine only through ledger/portable.ts (and ledger/suite-noble.ts).',
  },
  // Pure halves: no HTTP, no pages, no plug-in's HTTP half.
  {
    target: PURE.map((glob) => `./${glob}`),
    from: ['./src/http/**', './src/pages/**', './src/*/routes.ts', './src/{app,server,plugins}.ts'],
    message: 'a pure plug-in half (rules, state, observers) imports no HTTP: not src/http, src/pages or any routes.ts.',
  },
  // Other folders reach a plug-in only through its index.ts (its HTTP half: routes.ts, for src/plugins.ts).
  ...PLUGINS.map((name) => ({
    target: [`./src/!(${name})/**`, './src/*.ts'],
    from: `./src/${name}`,
    except: [
      './index.ts',
      './routes.ts',
      ...PORTABLE_RULES.filter((f) => f.startsWith(`src/${name}/`)).map((f) => `./${f.split('/').pop()}`),
    ],
    message: `other folders read the ${name} plug-in only through src/${name}/index.ts (accessors), never its state or rules files.`,
  })),
  // The pure halves form a DAG: actors ← cards, trace ← regulator.
  ...PLUGINS.map((name, i) => ({
    target: PURE.filter((glob) => glob.startsWith(`src/${name}/`)).map((glob) => `./${glob}`),
    from: PLUGINS.slice(i + 1).map((higher) => `./src/${higher}/**`),
    message: `the pure half of ${name} imports only plug-ins below it (${PLUGINS.slice(0, i).join(', ') || 'none'}).`,
  })).filter((zone) => zone.from.length > 0),
];

/** Packages a layer must not import, by name. */
const noPackages = (names, message) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { paths: names.map((name) => ({ name, message })), patterns: [] }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'demo-data/**', 'bench/data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { 'import-x': importX },
    settings: {
      // Dependencies are parsed as TypeScript too, so no-cycle follows them.
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones, basePath: ROOT }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // What the project follows: `any` only at the edges, where a value is still unchecked JSON.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Short-circuit statements (`ok ? a() : b()`, `cond && act()`) are how some one-line writers read best.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
    },
  },
  {
    files: ['ledger/**/*.ts'],
    rules: noPackages(['express', 'zod'], 'ledger/ is the engine: no Express, no zod (validate at the edges, in src/).'),
  },
  { files: PURE, rules: noPackages(['express', 'qrcode'], 'a pure plug-in half imports no HTTP library.') },
  { files: BROWSER, languageOptions: { globals: { ...globals.browser } } },
  // Until the LogStore seam lands (the verification API on the ledger), the verifier service reads the store itself.
);
