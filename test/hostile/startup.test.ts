/**
 * No ledger fork, no silent root key (docs/OPERATIONS.md): a ledger is created only
 * on an empty directory, by `anxin init` or by a start that also generates a fresh
 * operator key; an existing key with an empty data directory is refused with a
 * message naming `anxin init`; a directory that is not a ledger — one that lost its
 * CURRENT file included — is refused and left as it was; production needs the root
 * regulator's public key; only the root regulator registers or suspends regulators.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateKey, Ledger, LedgerError, writeKeyFile } from '../../ledger/index.js';
import { loadConfig } from '../../src/config.js';
import { openLedger } from '../../src/service.js';
import { newKey, startFixture, type Fixture } from '../helpers/fixture.js';
import { expectProblem, unchanged } from './support.js';

const CLI = resolve('dist/scripts/anxin.js');
const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'anxin-start-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const configFor = (data: string, keyPath?: string, extra: Record<string, string> = {}) =>
  loadConfig({ ANXIN_DATA: data, ...(keyPath ? { ANXIN_OPERATOR_KEY: keyPath } : {}), ...extra });
const quiet = { log: () => undefined, nodeEnv: 'development' };

const refused = async (p: Promise<unknown>): Promise<LedgerError> => {
  const e = await p.then(
    () => undefined,
    (err) => err,
  );
  expect(e).toBeInstanceOf(LedgerError);
  return e as LedgerError;
};

describe('starting the service on its data directory', () => {
  test('when the directory is new and there is no operator key, then the start creates both (the quick start)', async () => {
    const data = join(temp(), 'data');
    const { ledger, created } = await openLedger(configFor(data), quiet);
    expect(created).toBeDefined();
    expect(ledger.size).toBe(1);
    await ledger.close();
    const again = await openLedger(configFor(data), quiet);
    expect(again.created).toBeUndefined();
    await again.ledger.close();
  });

  test('when the operator key exists but the data directory is empty, then the start is refused naming anxin init, and nothing is written', async () => {
    const root = temp();
    const keyPath = join(root, 'operator.key');
    writeKeyFile(keyPath, generateKey('operator'));
    const data = join(root, 'unmounted');
    mkdirSync(data);
    const e = await refused(openLedger(configFor(data, keyPath), quiet));
    expect(e.message).toMatch('anxin init');
    expect(e.message).toMatch('fork');
    expect(readdirSync(data)).toEqual([]);
  });

  test('when a ledger lost its CURRENT file, then neither a start nor the engine recreates it, and its tables stay', async () => {
    const data = join(temp(), 'data');
    const { ledger } = await openLedger(configFor(data), quiet);
    await ledger.close();
    unlinkSync(join(data, 'CURRENT'));
    const before = readdirSync(data).sort();
    const e = await refused(openLedger(configFor(data), quiet));
    expect(e.message).toMatch('holds no ledger');
    const key = newKey('operator');
    const engine = await refused(
      Ledger.open({ path: data, origin: 'x', operator: key, genesis: { regulators: [{ id: 'r', name: 'r', publicKey: key.publicKey }] } }),
    );
    expect(engine.code).toBe('LEDGER_CORRUPT');
    expect(readdirSync(data).sort()).toEqual(before);
  });

  test('when the directory holds other files, then the start is refused', async () => {
    const data = temp();
    writeFileSync(join(data, 'notes.txt'), 'not a ledger');
    expect((await refused(openLedger(configFor(data), quiet))).message).toMatch('holds no ledger');
    expect(existsSync(join(data, 'CURRENT'))).toBe(false);
  });

  test('when NODE_ENV=production and ANXIN_REGULATOR_PUBKEY is not set, then no ledger is created and no regulator key written', async () => {
    const data = join(temp(), 'data');
    const e = await refused(openLedger(configFor(data), { ...quiet, nodeEnv: 'production' }));
    expect(e.message).toMatch('ANXIN_REGULATOR_PUBKEY');
    expect(existsSync(join(data, 'regulator.key'))).toBe(false);
    expect(existsSync(join(data, 'CURRENT'))).toBe(false);
  });

  test('when NODE_ENV=production and the root regulator key is given, then the ledger is created without a regulator secret', async () => {
    const data = join(temp(), 'data');
    const config = configFor(data, undefined, { ANXIN_REGULATOR_PUBKEY: newKey('regulator').publicKey });
    const { ledger } = await openLedger(config, { ...quiet, nodeEnv: 'production' });
    await ledger.close();
    expect(existsSync(join(data, 'regulator.key'))).toBe(false);
  });
});

describe('anxin init', () => {
  const init = (args: string[]) =>
    spawnSync(process.execPath, [CLI, 'init', ...args], { encoding: 'utf8', env: { ...process.env, NODE_ENV: '' } });

  test('when the operator key exists and the directory is empty, then init creates the ledger and the service then opens it', async () => {
    const root = temp();
    const keyPath = join(root, 'operator.key');
    writeKeyFile(keyPath, generateKey('operator'));
    const data = join(root, 'data');
    const run = init(['--data', data, '--operator-key', keyPath]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ origin: 'anxin.local/ledger', genesis: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const { ledger, created } = await openLedger(configFor(data, keyPath), quiet);
    expect(created).toBeUndefined();
    await ledger.close();
  });

  test('when the directory already holds a ledger, then init exits 1 and leaves it alone', async () => {
    const data = join(temp(), 'data');
    expect(init(['--data', data]).status).toBe(0);
    const run = init(['--data', data]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch('already holds a ledger');
  });
});

describe('regulators are registered and suspended by the root regulator only', () => {
  let f: Fixture;
  beforeAll(async () => (f = await startFixture()));
  afterAll(() => f.close());

  const registration = (id: string, role: string) => ({ id, role, name: id, publicKey: newKey(id).publicKey });

  test('when a second regulator registers a regulator, then 403 forbidden; an auditor it may register', async () => {
    const second = await f.register('reg-2', 'regulator');
    expectProblem(await unchanged(f, () => f.post(second, 'actor.register', registration('reg-x', 'regulator'))), 403, 'forbidden');
    expect((await f.post(second, 'actor.register', registration('aud-2', 'auditor'))).status).toBe(201);
  });

  test('when a second regulator suspends the root or another regulator, then 403 forbidden; the root may', async () => {
    const second = await f.register('reg-3', 'regulator');
    await f.register('reg-4', 'regulator');
    expectProblem(await unchanged(f, () => f.post(second, 'actor.suspend', { id: f.regulator.id, reason: 'takeover' })), 403, 'forbidden');
    expectProblem(await unchanged(f, () => f.post(second, 'actor.suspend', { id: 'reg-4', reason: 'takeover' })), 403, 'forbidden');
    expect((await f.post(f.regulator, 'actor.suspend', { id: 'reg-4', reason: 'left office' })).status).toBe(201);
  });
});
