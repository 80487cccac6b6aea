/** ANXIN_WEBHOOK_ALLOW (SPEC §15): host names and CIDRs; loopback only by default; names checked by what they resolve to. */
import { parseAllowList, resolveTarget, type Resolver } from '../../src/webhooks/allow.js';

const dns: Resolver = async (host) =>
  ({
    'erp.example.cn': [{ address: '203.0.113.9', family: 4 }],
    'inside.example.cn': [
      { address: '10.20.0.5', family: 4 },
      { address: '10.20.0.6', family: 4 },
    ],
    'split.example.cn': [
      { address: '10.20.0.5', family: 4 },
      { address: '192.0.2.1', family: 4 },
    ],
  })[host] ?? Promise.reject(new Error('ENOTFOUND'));

const target = async (allow: string | undefined, url: string) => {
  const r = await resolveTarget(parseAllowList(allow), new URL(url), dns);
  return typeof r === 'string' ? 'refused' : r.address;
};

describe('the webhook allow list', () => {
  test('when nothing is configured, then loopback only (IPv4 and IPv6)', async () => {
    expect([
      await target(undefined, 'http://127.0.0.1:9/x'),
      await target(undefined, 'http://127.8.9.10/x'),
      await target(undefined, 'http://[::1]:9/x'),
      await target(undefined, 'http://10.0.0.1/x'),
      await target(undefined, 'http://erp.example.cn/x'),
    ]).toEqual(['127.0.0.1', '127.8.9.10', '::1', 'refused', 'refused']);
  });

  test('when a host name is listed, then it may resolve anywhere; other names must resolve inside a listed CIDR, every address', async () => {
    const allow = 'erp.example.cn, 10.20.0.0/16';
    expect([
      await target(allow, 'https://erp.example.cn/hook'),
      await target(allow, 'https://inside.example.cn/hook'),
      await target(allow, 'https://split.example.cn/hook'),
      await target(allow, 'https://10.20.255.1/hook'),
      await target(allow, 'https://10.21.0.1/hook'),
      await target(allow, 'https://unknown.example.cn/hook'),
    ]).toEqual(['203.0.113.9', '10.20.0.5', 'refused', '10.20.255.1', 'refused', 'refused']);
  });

  test('when an item is neither a name nor a CIDR, then the configuration is refused', () => {
    for (const bad of ['10.0.0.0/33', 'exa_mple.cn', 'http://x', '::1/129'])
      expect(() => parseAllowList(bad)).toThrow(/ANXIN_WEBHOOK_ALLOW/);
  });
});
