import { describe, expect, it } from 'vitest';
import { clientIp, clientKey, normalizeIp, parseTrustProxy } from './index.js';

// The attacker is 203.0.113.7; the load balancers are 10.0.0.1 and 10.0.0.2.
describe('clientKey', () => {
  it('keys an authenticated request on its principal, whatever its address', () => {
    expect(clientKey({ principalId: 'alice', remoteAddress: '203.0.113.7' })).toBe(
      'principal:alice',
    );
    expect(clientKey({ principalId: '', remoteAddress: '203.0.113.7' })).toBe('ip:203.0.113.7');
  });

  it('ignores X-Forwarded-For by default, so a client cannot pick its own key', () => {
    const spoofed = { remoteAddress: '203.0.113.7', forwardedFor: '198.51.100.1' };
    expect(clientKey(spoofed)).toBe('ip:203.0.113.7');
    expect(clientKey({ ...spoofed, trustProxy: 0 })).toBe('ip:203.0.113.7');
    expect(clientKey({ ...spoofed, trustProxy: [] })).toBe('ip:203.0.113.7');
  });

  it('keys an IPv6 client on its /64, which one user can fill with addresses', () => {
    expect(clientKey({ remoteAddress: '2001:db8:1:2:aaaa::1' })).toBe('ip:2001:db8:1:2::/64');
    expect(clientKey({ remoteAddress: '2001:0db8:0001:0002:ffff:0:0:9' })).toBe(
      'ip:2001:db8:1:2::/64',
    );
    expect(clientKey({ remoteAddress: '2001:db8::1' })).toBe('ip:2001:db8:0:0::/64');
    expect(clientKey({ remoteAddress: '64:ff9b::1.2.3.4' })).toBe('ip:64:ff9b:0:0::/64');
  });

  it('puts requests with no known address in one shared budget', () => {
    expect(clientKey({})).toBe('ip:unknown');
    expect(clientKey({ remoteAddress: 'not-an-ip', forwardedFor: '1.2.3.4', trustProxy: 1 })).toBe(
      'ip:unknown',
    );
  });
});

describe('clientIp with a hop count', () => {
  it('takes the address the one trusted proxy appended, not what the client wrote', () => {
    const viaProxy = { remoteAddress: '10.0.0.1', trustProxy: 1 };
    expect(clientIp({ ...viaProxy, forwardedFor: '203.0.113.7' })).toBe('203.0.113.7');
    // The client sends its own X-Forwarded-For; the proxy appends the real address.
    expect(clientIp({ ...viaProxy, forwardedFor: '198.51.100.1, 203.0.113.7' })).toBe(
      '203.0.113.7',
    );
  });

  it('walks back as many hops as there are proxies', () => {
    expect(
      clientIp({
        remoteAddress: '10.0.0.2',
        forwardedFor: '198.51.100.1, 203.0.113.7, 10.0.0.1',
        trustProxy: 2,
      }),
    ).toBe('203.0.113.7');
  });

  it('stops at the farthest address known when the header is shorter than the hop count', () => {
    expect(
      clientIp({ remoteAddress: '10.0.0.1', forwardedFor: '203.0.113.7', trustProxy: 3 }),
    ).toBe('203.0.113.7');
    expect(clientIp({ remoteAddress: '10.0.0.1', trustProxy: 1 })).toBe('10.0.0.1');
  });

  it('stops at a garbled entry instead of believing what lies beyond it', () => {
    expect(
      clientIp({ remoteAddress: '10.0.0.2', forwardedFor: '198.51.100.1, junk', trustProxy: 2 }),
    ).toBe('10.0.0.2');
  });
});

describe('clientIp with a proxy list', () => {
  const trustProxy = ['10.0.0.0/8', '::1'];

  it('walks back through trusted proxies to the first address that is not one', () => {
    expect(
      clientIp({ remoteAddress: '10.0.0.2', forwardedFor: '203.0.113.7, 10.0.0.1', trustProxy }),
    ).toBe('203.0.113.7');
    expect(clientIp({ remoteAddress: '::1', forwardedFor: '203.0.113.7', trustProxy })).toBe(
      '203.0.113.7',
    );
  });

  it('never believes a header from a peer that is not a trusted proxy', () => {
    expect(
      clientIp({ remoteAddress: '203.0.113.7', forwardedFor: '198.51.100.1', trustProxy }),
    ).toBe('203.0.113.7');
  });

  it('is not fooled by a client that writes a trusted address into the header', () => {
    expect(
      clientIp({ remoteAddress: '10.0.0.1', forwardedFor: '10.9.9.9, 203.0.113.7', trustProxy }),
    ).toBe('203.0.113.7');
  });

  it('matches IPv4-mapped peers against IPv4 ranges', () => {
    expect(
      clientIp({ remoteAddress: '::ffff:10.0.0.1', forwardedFor: '203.0.113.7', trustProxy }),
    ).toBe('203.0.113.7');
  });
});

describe('normalizeIp', () => {
  it('strips ports and brackets, unmaps IPv4-mapped IPv6, and refuses non-addresses', () => {
    expect(normalizeIp(' 203.0.113.7:4711 ')).toBe('203.0.113.7');
    expect(normalizeIp('[2001:DB8::1]:443')).toBe('2001:db8::1');
    expect(normalizeIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeIp('unknown')).toBeUndefined();
    expect(normalizeIp(undefined)).toBeUndefined();
  });
});

describe('parseTrustProxy', () => {
  it('reads nothing, a hop count, or a list of proxy addresses and CIDRs', () => {
    expect(parseTrustProxy(undefined)).toBe(0);
    expect(parseTrustProxy('')).toBe(0);
    expect(parseTrustProxy('false')).toBe(0);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.0/8, fd00::/8,127.0.0.1')).toEqual([
      '10.0.0.0/8',
      'fd00::/8',
      '127.0.0.1',
    ]);
  });

  it('refuses "true" and anything that is not an address or CIDR', () => {
    expect(() => parseTrustProxy('true')).toThrow(/hop count or proxy CIDRs/);
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/not an IP address or CIDR/);
    expect(() => parseTrustProxy('proxy.internal')).toThrow(/not an IP address or CIDR/);
  });
});
