/**
 * The layer rules of docs/ARCHITECTURE.md fail the build when broken: each
 * deliberately bad import below is linted with the project's real
 * eslint.config.js (as `npm run lint` does) and must be reported by the rule
 * that encodes it; a good import of the same file must not be.
 */
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

/** The rule ids and messages ESLint reports for `code` as if it were the file at `path` (relative to the root). */
const lint = async (path: string, code: string): Promise<Array<{ rule: string | null; message: string }>> => {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${path}` });
  return result.messages.filter((m) => m.severity === 2).map((m) => ({ rule: m.ruleId, message: m.message }));
};

const ZONE = 'import-x/no-restricted-paths';
const PACKAGE = '@typescript-eslint/no-restricted-imports';

const bad: Array<[string, string, string, string, RegExp]> = [
  [
    'the engine imports the service',
    'ledger/bad.ts',
    "import { ApiError } from '../src/errors.js';\nexport const x = ApiError;\n",
    ZONE,
    /ledger\/ is the domain-agnostic engine/,
  ],
  [
    'the engine imports the wire schemas',
    'ledger/bad.ts',
    "import { id } from '../schemas/common.js';\nexport const x = id;\n",
    ZONE,
    /ledger\//,
  ],
  ['the engine imports zod', 'ledger/bad.ts', "import { z } from 'zod';\nexport const x = z;\n", PACKAGE, /no zod/],
  ['the engine imports Express', 'ledger/bad.ts', "import express from 'express';\nexport const x = express;\n", PACKAGE, /no Express/],
  [
    'a wire schema imports the service',
    'schemas/bad.ts',
    "import { ApiError } from '../src/errors.js';\nexport const x = ApiError;\n",
    ZONE,
    /schemas\//,
  ],
  [
    'a card rule imports Express',
    'src/cards/bad.ts',
    "import { Router } from 'express';\nexport const x = Router;\n",
    PACKAGE,
    /pure plug-in half/,
  ],
  [
    'a card rule imports the HTTP layer',
    'src/cards/bad.ts',
    "import { allow } from '../http/auth.js';\nexport const x = allow;\n",
    ZONE,
    /imports no HTTP/,
  ],
  [
    'the domain contract imports the HTTP layer',
    'src/domain/bad.ts',
    "import type { Services } from '../http/plugin-http.js';\nexport type X = Services;\n",
    ZONE,
    /imports no HTTP/,
  ],
  [
    'an anomaly rule imports a routes file',
    'src/regulator/anomalies/bad.ts',
    "import { cardsHttp } from '../../cards/routes.js';\nexport const x = cardsHttp;\n",
    ZONE,
    /imports no HTTP/,
  ],
  [
    'the regulator reads card state directly',
    'src/regulator/anomalies/bad.ts',
    "import { getCard } from '../../cards/state.js';\nexport const x = getCard;\n",
    ZONE,
    /only through src\/cards\/index.ts/,
  ],
  [
    'the pages read food state directly',
    'src/pages/bad.ts',
    "import { getLot } from '../trace/state.js';\nexport const x = getLot;\n",
    ZONE,
    /only through src\/trace\/index.ts/,
  ],
  [
    'a card rule imports the regulator (a higher plug-in)',
    'src/cards/bad.ts',
    "import { merchantStars } from '../regulator/index.js';\nexport const x = merchantStars;\n",
    ZONE,
    /only plug-ins below it/,
  ],
  [
    'the client imports server code',
    'src/client/bad.ts',
    "import { allow } from '../http/auth.js';\nexport const x = allow;\n",
    ZONE,
    /no server code/,
  ],
  [
    'the client imports the Node engine entry',
    'src/client/bad.ts',
    "import { Ledger } from '../../ledger/index.js';\nexport const x = Ledger;\n",
    ZONE,
    /only through ledger\/portable.ts/,
  ],
  [
    'a browser module imports server code',
    'src/pages/browser/bad.ts',
    "import { ApiError } from '../../errors.js';\nexport const x = ApiError;\n",
    ZONE,
    /no server code/,
  ],
  [
    'the service reaches into the engine',
    'src/http/bad.ts',
    "import { Ledger } from '../../ledger/log.js';\nexport const x = Ledger;\n",
    ZONE,
    /only through ledger\/index.ts/,
  ],
];

describe('the import boundaries (eslint.config.js)', () => {
  test.each(bad)(
    'when %s, then lint fails with that layer rule',
    async (_what, path, code, rule, message) => {
      const errors = await lint(path, code);
      expect(errors).toEqual(expect.arrayContaining([{ rule, message: expect.stringMatching(message) }]));
    },
    60_000,
  );

  test('when a plug-in pure half imports a plug-in that imports it back, then lint reports the cycle', async () => {
    // src/actors/index.ts as it would be if it read cards: cards/index → cards/state → actors/index.
    const errors = await lint('src/actors/index.ts', "import { getCard } from '../cards/index.js';\nexport const x = getCard;\n");
    expect(errors.map((e) => e.rule)).toContain('import-x/no-cycle');
  }, 60_000);

  test.each([
    [
      'the regulator reads cards through their index',
      'src/regulator/anomalies/good.ts',
      "import { getCard } from '../../cards/index.js';\nexport const x = getCard;\n",
    ],
    [
      'a browser module imports the portable engine',
      'src/pages/browser/good.ts',
      "import { verifyCheckpoint } from '../../../ledger/portable.js';\nexport const x = verifyCheckpoint;\n",
    ],
    [
      "a card route (the HTTP half) reads the regulator's rating",
      'src/cards/routes.ts',
      "import { merchantStars } from '../regulator/index.js';\nexport const x = merchantStars;\n",
    ],
  ])(
    'when %s, then lint reports nothing',
    async (_what, path, code) => {
      expect(await lint(path, code)).toEqual([]);
    },
    60_000,
  );
});
