/**
 * Who a request counts against: its verified principal, else its client IP.
 *
 * `X-Forwarded-For` is written by whoever sent the request, so it is only believed as far as
 * the proxies you name: either a hop count or a list of proxy addresses and CIDRs. By default
 * (0) nothing in it is believed and the socket's peer address is the client.
 */
import { BlockList, isIP } from 'node:net';

/**
 * How far to believe `X-Forwarded-For`.
 * - a number: that many proxies sit in front of the server (1 = one load balancer or ingress);
 *   the client is the address that many hops back from the socket peer. 0 trusts nothing.
 * - a list of proxy addresses and CIDRs (`10.0.0.0/8`, `::1`): walk back from the socket peer
 *   while the hop is one of them; the first address that is not is the client.
 */
export type TrustProxy = number | readonly string[];

export interface ClientKeyInput {
  /** The verified principal (the token's subject), when the request is authenticated. */
  principalId?: string | undefined;
  /** The TCP peer address (Node `socket.remoteAddress`, Lambda `sourceIp`). */
  remoteAddress?: string | undefined;
  /** The raw `X-Forwarded-For` header, if any. */
  forwardedFor?: string | null | undefined;
  /** @default 0 (never trust X-Forwarded-For) */
  trustProxy?: TrustProxy | undefined;
}

/** Strips a port and brackets, unmaps `::ffff:1.2.3.4`; undefined when it is not an IP. */
export function normalizeIp(value: string | null | undefined): string | undefined {
  let ip = (value ?? '').trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  if (bracketed?.[1]) ip = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(ip)) ip = ip.slice(0, ip.lastIndexOf(':'));
  ip = ip.toLowerCase();
  if (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4) ip = ip.slice(7);
  return isIP(ip) === 0 ? undefined : ip;
}

const compiled = new WeakMap<readonly string[], BlockList>();

function proxyList(entries: readonly string[]): BlockList {
  let list = compiled.get(entries);
  if (list) return list;
  list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.trim().split('/');
    const ip = normalizeIp(address);
    const type = isIP(ip ?? '') === 6 ? 'ipv6' : 'ipv4';
    const bits = Number(prefix);
    const maxBits = type === 'ipv6' ? 128 : 32;
    if (
      !ip ||
      (prefix !== undefined && !(Number.isInteger(bits) && bits >= 0 && bits <= maxBits))
    ) {
      throw new Error(`trustProxy: "${entry}" is not an IP address or CIDR`);
    }
    if (prefix === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, bits, type);
  }
  compiled.set(entries, list);
  return list;
}

/** Whether the address `hop` steps back from the socket peer (0: the peer) is a trusted proxy. */
function isTrustedProxy(trust: TrustProxy, hop: number, ip: string): boolean {
  if (typeof trust === 'number') return hop < trust;
  return proxyList(trust).check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

/** The client's IP address, believing `X-Forwarded-For` only as far as `trustProxy` allows. */
export function clientIp(input: Omit<ClientKeyInput, 'principalId'>): string | undefined {
  const peer = normalizeIp(input.remoteAddress);
  const trust = input.trustProxy ?? 0;
  if (!peer || trust === 0 || (Array.isArray(trust) && trust.length === 0)) return peer;
  // Nearest hop first: the socket peer, then X-Forwarded-For read from right to left, because
  // each proxy appends the address it saw; the left end is whatever the client chose to send.
  const hops = (input.forwardedFor ?? '').split(',').map(normalizeIp).reverse();
  const chain = [peer, ...hops];
  let client = peer;
  for (let index = 0; index + 1 < chain.length && isTrustedProxy(trust, index, client); index++) {
    const next = chain[index + 1];
    // A garbled entry ends the walk: the last good address is as far as we can see.
    if (!next) break;
    client = next;
  }
  return client;
}

/** IPv6 users get a whole /64 from their provider, so one /64 is one client. */
function ipv6Subnet(ip: string): string {
  const [head = '', tail] = ip.split('%')[0]?.split('::') ?? [];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // A dotted IPv4 tail (`64:ff9b::1.2.3.4`) fills two groups.
  const dotted = right.at(-1)?.includes('.') ? 1 : 0;
  const missing = 8 - left.length - right.length - dotted;
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(missing).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * The rate-limit key of a request: `principal:<id>` when authenticated, else `ip:<address>`
 * (`ip:<prefix>::/64` for IPv6), or `ip:unknown` when no address is known (all such requests
 * then share one budget).
 */
export function clientKey(input: ClientKeyInput): string {
  if (input.principalId) return `principal:${input.principalId}`;
  const ip = clientIp(input);
  if (!ip) return 'ip:unknown';
  return `ip:${isIP(ip) === 6 ? ipv6Subnet(ip) : ip}`;
}

/**
 * Reads a `TRUST_PROXY` setting: empty, `0` or `false` trusts nothing; a whole number is a hop
 * count; anything else is a comma-separated list of proxy addresses and CIDRs. `true` is
 * refused: trusting every hop lets any client pick its own key.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? '').trim();
  if (text === '' || text === 'false') return 0;
  if (/^\d+$/.test(text)) return Number(text);
  if (text === 'true') {
    throw new Error('TRUST_PROXY=true would trust any client; give a hop count or proxy CIDRs');
  }
  const entries = text.split(',').map((entry) => entry.trim());
  proxyList(entries);
  return entries;
}
