/**
 * Static files for the pages, all read-only (GET and HEAD; anything else falls
 * through to the 404 handler):
 *
 *   /assets/*   public/ (the stylesheet and icon; no build step)
 *   /js/*       compiled modules from dist/, mirroring its layout so their relative
 *               imports resolve: ledger/ (browsers load portable.js, its imports
 *               and suite-noble.js), src/pages/browser/, and the portable modules
 *               of src/trace/ and src/client/ named below — nothing else of dist/,
 *               and only .js files
 *   /vendor/@noble/ed25519/, /vendor/@noble/hashes/   the packages from node_modules
 *
 * The server may run from the sources (tests, with ts-jest) or from dist/; both
 * find the same project root and the same dist/ (`npm run build` makes it).
 */
import express, { Router, type RequestHandler } from 'express';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fromDist = existsSync(join(here, '../../ledger/portable.js'));

/** The project root (holding public/) and the compiled tree (holding ledger/portable.js). */
export const PROJECT_ROOT = fromDist ? join(here, '../../..') : join(here, '../..');
export const DIST_ROOT = fromDist ? join(here, '../..') : join(PROJECT_ROOT, 'dist');

const require = createRequire(import.meta.url);
const NOBLE_ED25519 = dirname(require.resolve('@noble/ed25519'));
const NOBLE_HASHES = dirname(require.resolve('@noble/hashes/sha2.js'));

/** The modules of src/trace/ that run in browsers (type-only imports besides each other). */
export const PORTABLE_TRACE = ['derive.js', 'state.js'];
/** The modules of src/client/ that run in browsers (the completeness check of SPEC §12). */
export const PORTABLE_CLIENT = ['completeness.js'];

const onlyJs: RequestHandler = (req, _res, next) => (req.path.endsWith('.js') ? next() : next('router'));

const files = (dir: string, maxAge: string) =>
  express.static(dir, { index: false, dotfiles: 'ignore', fallthrough: true, redirect: false, maxAge, extensions: false });

export const assetRoutes = (): Router => {
  const r = Router();
  const js = (mount: string, dir: string, maxAge = '0') => {
    const sub = Router();
    sub.use(onlyJs, files(dir, maxAge));
    r.use(mount, sub);
  };
  r.use('/assets', files(join(PROJECT_ROOT, 'public'), '0'));
  js('/js/ledger', join(DIST_ROOT, 'ledger'));
  js('/js/src/pages/browser', join(DIST_ROOT, 'src/pages/browser'));
  const only = (mount: string, names: readonly string[]) => {
    const sub = Router();
    sub.use((req, _res, next) => (names.includes(req.path.slice(1)) ? next() : next('router')), files(join(DIST_ROOT, mount), '0'));
    r.use(`/js/${mount}`, sub);
  };
  only('src/trace', PORTABLE_TRACE);
  only('src/client', PORTABLE_CLIENT);
  // Fixed by package-lock.json: cacheable for a while.
  js('/vendor/@noble/ed25519', NOBLE_ED25519, '1h');
  js('/vendor/@noble/hashes', NOBLE_HASHES, '1h');
  return r;
};
