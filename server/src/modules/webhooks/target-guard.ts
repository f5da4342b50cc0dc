import dns from 'node:dns';
import net from 'node:net';

/** IPv4 ranges a webhook may not reach in production: loopback, private, link-local, CGNAT, "this network", multicast, reserved. */
const BLOCKED_V4: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => (acc << 8) + Number(part), 0) >>> 0;
}

/** Whether an address is loopback, link-local, private or otherwise not a public internet host. */
export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) {
    const n = v4ToInt(ip);
    return BLOCKED_V4.some(([base, bits]) => n >>> (32 - bits) === v4ToInt(base) >>> (32 - bits));
  }
  if (!net.isIPv6(ip)) return true;
  const lower = ip.toLowerCase();
  // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible forms carry a v4 address.
  const mapped = /^(?:0*:)*:?(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return isPrivateAddress(mapped[1]!);
  if (lower === '::' || lower === '::1') return true;
  const first = parseInt(lower.split(':')[0] || '0', 16);
  return (
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xff00) === 0xff00 || // multicast
    lower.startsWith('64:ff9b:') // NAT64 may reach IPv4 private ranges
  );
}

/** Why a target URL is refused, or null when it may be used. */
export function urlProblem(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'must be an http(s) URL';
  if (u.username || u.password) return 'must not carry credentials';
  return null;
}

/**
 * A `lookup` for http.request that refuses private addresses: checked on the address actually connected to,
 * so a DNS answer that changes between registration and delivery (rebinding) is caught too.
 */
export function guardedLookup(blockPrivate: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const list = addresses as dns.LookupAddress[];
      const bad = blockPrivate ? list.find((a) => isPrivateAddress(a.address)) : undefined;
      if (bad)
        return callback(
          Object.assign(new Error(`refused: ${hostname} resolves to a private address`), { code: 'EPRIVATE' }),
          '',
          4,
        );
      if ((options as dns.LookupOptions).all) return callback(null, list, 4);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
      callback(null, first.address, first.family);
    });
  };
}

/** Resolves a target's host now (registration time) and says whether any address is private. */
export async function resolvesPrivate(raw: string): Promise<boolean> {
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host)) return isPrivateAddress(host);
  try {
    const all = await dns.promises.lookup(host, { all: true });
    return all.some((a) => isPrivateAddress(a.address));
  } catch {
    // Unresolvable now: refused at delivery time if it then resolves to a private address.
    return false;
  }
}
