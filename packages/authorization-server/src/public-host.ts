/**
 * Whether a client metadata document's host is on the public internet: every address it
 * resolves to must be outside the private, loopback, link-local, shared, documentation,
 * multicast and other special-use ranges, so a `client_id` URL cannot make this server
 * fetch from inside its own network (SSRF).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const special = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  special.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96], // IPv4-mapped: checked as IPv4 below
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  special.addSubnet(network, prefix, 'ipv6');

export function isSpecialAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return special.check(mapped[1], 'ipv4');
  return special.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

export async function publicHost(
  hostname: string,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(bare) ? [bare] : (await lookup(bare, { all: true })).map((a) => a.address);
  } catch {
    return { ok: false, reason: 'host does not resolve' };
  }
  const inside = addresses.find(isSpecialAddress);
  return inside
    ? { ok: false, reason: `host resolves to a non-public address (${inside})` }
    : { ok: true };
}
