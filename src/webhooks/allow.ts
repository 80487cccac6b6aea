/**
 * Which hosts webhooks may reach (SPEC §15): `ANXIN_WEBHOOK_ALLOW`, a
 * comma-separated list of host names and CIDRs; by default loopback only
 * (127.0.0.0/8, ::1). A delivery resolves the host itself and connects to the
 * address it checked (no second lookup a DNS answer could change in between):
 * an IP literal must lie in an allowed CIDR; a host name listed by name may
 * resolve anywhere (the operator named it); any other name is allowed only when
 * every address it resolves to lies in an allowed CIDR. Redirects are never followed.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export const DEFAULT_ALLOW = '127.0.0.0/8,::1/128';

export interface AllowList {
  names: ReadonlySet<string>;
  nets: BlockList;
  /** As configured, for messages. */
  text: string;
}

/** Parses the allow list; throws an Error naming a bad item. */
export const parseAllowList = (text: string = DEFAULT_ALLOW): AllowList => {
  const names = new Set<string>();
  const nets = new BlockList();
  for (const raw of text.split(',')) {
    const item = raw.trim().toLowerCase();
    if (!item) continue;
    const slash = item.indexOf('/');
    const addr = slash < 0 ? item : item.slice(0, slash);
    const family = isIP(addr);
    if (family) {
      const bits = slash < 0 ? (family === 4 ? 32 : 128) : Number(item.slice(slash + 1));
      if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128))
        throw new Error(`ANXIN_WEBHOOK_ALLOW: bad prefix in ${item}`);
      nets.addSubnet(addr, bits, family === 4 ? 'ipv4' : 'ipv6');
    } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(item)) names.add(item);
    else throw new Error(`ANXIN_WEBHOOK_ALLOW: ${item} is neither a host name nor a CIDR`);
  }
  return { names, nets, text };
};

const inNets = (allow: AllowList, address: string): boolean => {
  const family = isIP(address);
  return family !== 0 && allow.nets.check(address, family === 4 ? 'ipv4' : 'ipv6');
};

/** The host of a URL without IPv6 brackets, lowercased. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();

export type Resolver = (host: string) => Promise<Array<{ address: string; family: number }>>;
export const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * The address to connect to for `url`, or a reason it may not be reached.
 * Resolves the host (IP literals as they are) and checks it against the list.
 */
export const resolveTarget = async (
  allow: AllowList,
  url: URL,
  resolve: Resolver = systemResolver,
): Promise<{ address: string; family: number } | string> => {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'the url must be http or https';
  if (url.username || url.password) return 'the url must not carry credentials';
  const host = hostOf(url);
  const literal = isIP(host);
  if (literal) return inNets(allow, host) ? { address: host, family: literal } : `${host} is not in ANXIN_WEBHOOK_ALLOW (${allow.text})`;
  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = await resolve(host);
  } catch {
    return `${host} does not resolve`;
  }
  if (!addresses.length) return `${host} does not resolve`;
  if (allow.names.has(host)) return addresses[0];
  const outside = addresses.find((a) => !inNets(allow, a.address));
  if (outside) return `${host} resolves to ${outside.address}, which is not in ANXIN_WEBHOOK_ALLOW (${allow.text})`;
  return addresses[0];
};
