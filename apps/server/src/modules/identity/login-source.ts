import net from 'node:net';

/**
 * The "source" sign-in throttling counts per: an IPv4 address, or the /64 an IPv6 address
 * belongs to. One subscriber is usually handed a whole /64, so counting single IPv6 addresses
 * would give an attacker 2^64 fresh sources. IPv4-mapped IPv6 addresses count as IPv4.
 */
export function loginSource(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!net.isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  // A dotted IPv4 tail holds two groups; it never reaches the first four anyway.
  const missing = 8 - left.length - right.length;
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
