import net from 'node:net';

/**
 * TRUST_PROXY: the reverse proxies whose `X-Forwarded-For`, `-Proto` and `-Host` are believed
 * (ADR 0035). Only a hop whose socket address is listed may speak for the client; anyone else
 * who sends those headers is taken at their socket address, so a forged header changes neither
 * sign-in throttling nor the audit log (ASVS 5.0 V6.3.1, V16.2).
 *
 * The entries are what Fastify's trustProxy (@fastify/proxy-addr) compiles: IPv4 and IPv6
 * addresses, CIDR ranges, and the names `loopback`, `linklocal` and `uniquelocal`.
 */
export type TrustedProxies = readonly string[];

const NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
/** Values that used to mean "trust every hop"; refused because anyone could then forge their address. */
const TRUST_ALL = new Set(['true', '1', 'yes', '*', 'all', 'any']);
/** The old boolean's "off", still accepted so existing environments keep starting. */
const NONE = new Set(['false', '0', 'no', 'none']);

export type ParsedProxies = { ok: true; proxies: TrustedProxies } | { ok: false; problem: string };

const LIST_THEM =
  'list the addresses of your reverse proxies instead, e.g. TRUST_PROXY=127.0.0.1,::1 or 10.0.0.0/8';

/** Parses a comma list; never throws, a refusal names the entry and what to write instead. */
export function parseTrustedProxies(value: string): ParsedProxies {
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const lower = entries.map((e) => e.toLowerCase());
  if (lower.length === 1 && NONE.has(lower[0]!)) return { ok: true, proxies: [] };
  const proxies: string[] = [];
  for (const [i, entry] of entries.entries()) {
    const name = lower[i]!;
    if (TRUST_ALL.has(name)) {
      return {
        ok: false,
        problem: `"${entry}" would trust any client to name its own address; ${LIST_THEM}`,
      };
    }
    if (NAMES.has(name)) {
      proxies.push(name);
      continue;
    }
    const problem = addressProblem(entry);
    if (problem) return { ok: false, problem: `"${entry}" ${problem}; ${LIST_THEM}` };
    proxies.push(entry);
  }
  return { ok: true, proxies: [...new Set(proxies)] };
}

function addressProblem(entry: string): string | null {
  const [address = '', prefix, extra] = entry.split('/');
  if (extra !== undefined) return 'is not an address or a CIDR range';
  if (address.includes('%')) return 'has a zone index, which cannot be matched; give the address alone';
  const family = net.isIP(address);
  if (family === 0) return 'is not an IPv4 or IPv6 address, a CIDR range, or loopback';
  if (prefix === undefined) return null;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return `has a prefix length outside 1-${max}`;
  // A /0 is every address: the same as trusting everyone.
  if (Number(prefix) === 0)
    return 'covers every address, which would trust any client to name its own address';
  return null;
}
