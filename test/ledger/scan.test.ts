/** Ledger.scan: committed state by key prefix, for listings. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger, nodeSuite, signEnvelope } from '../../ledger/index.js';
import { newKey } from '../helpers/fixture.js';

describe('Ledger.scan', () => {
  let dir: string;
  let ledger: Ledger;
  const operator = newKey('operator');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anxin-scan-'));
    ledger = await Ledger.open({ path: dir, origin: 'scan.test/log', operator, genesis: { regulators: [] } });
    const ev = signEnvelope(nodeSuite, operator.seed, {
      v: 1,
      id: 'scan-0001',
      type: 'test.note',
      actor: 'operator',
      at: new Date().toISOString(),
      body: {},
    });
    await ledger.transact((tx) => {
      for (const k of ['b/2', 'a/1', 'a/3', 'a/2', 'c/1']) tx.put(k, { k });
      tx.append(ev);
    });
  });
  afterAll(async () => {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const keys = async (prefix: string, o?: Parameters<Ledger['scan']>[1]) => {
    const out: string[] = [];
    for await (const { key } of ledger.scan(prefix, o)) out.push(key);
    return out;
  };

  test('when given a prefix, then it yields exactly those keys in order', async () => {
    expect(await keys('a/')).toEqual(['a/1', 'a/2', 'a/3']);
  });

  test('when reversed and limited, then it yields the last keys first', async () => {
    expect(await keys('a/', { reverse: true, limit: 2 })).toEqual(['a/3', 'a/2']);
  });

  test('when bounded by gt and lt, then the bounds are exclusive', async () => {
    expect(await keys('a/', { gt: '1', lt: '3' })).toEqual(['a/2']);
  });

  test('when it yields, then values are the parsed state', async () => {
    for await (const { value } of ledger.scan<{ k: string }>('c/')) expect(value).toEqual({ k: 'c/1' });
  });
});
