/** Secret key files that group or others may read are refused on read, with the fix in the message. */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, LedgerError, readKeyFile, writeKeyFile } from '../../ledger/index.js';

const dir = mkdtempSync(join(tmpdir(), 'anxin-keyfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading a key file', () => {
  test('when its mode is 0600, then it is read', () => {
    const path = join(dir, 'ok.key');
    writeKeyFile(path, generateKey('ok'));
    expect(readKeyFile(path).id).toBe('ok');
  });

  test.each([0o644, 0o640, 0o604, 0o660])('when its mode is %o, then KEY_FILE_INVALID naming chmod 600', (mode) => {
    const path = join(dir, `k-${mode.toString(8)}.key`);
    writeKeyFile(path, generateKey('k'));
    chmodSync(path, mode);
    let error: unknown;
    try {
      readKeyFile(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as LedgerError).code).toBe('KEY_FILE_INVALID');
    expect((error as LedgerError).message).toMatch(`chmod 600 ${path}`);
  });
});
