import { toErrorResponse } from '@mcp-runway/errors';
import { describe, expect, it } from 'vitest';
import { concurrencyLimitedError, createConcurrencyLimiter, heldKind } from './index.js';

const limiter = () =>
  createConcurrencyLimiter({ calls: { perKey: 2, total: 3 }, streams: { perKey: 1, total: 2 } });

function granted(decision: ReturnType<ReturnType<typeof limiter>['acquire']>): () => void {
  if (!decision.allowed) throw new Error(`refused by ${decision.limit}`);
  return decision.release;
}

describe('createConcurrencyLimiter', () => {
  it("refuses a key's call beyond its limit while another key is still served", () => {
    const calls = limiter();
    granted(calls.acquire('principal:a', 'call'));
    const second = granted(calls.acquire('principal:a', 'call'));
    expect(calls.acquire('principal:a', 'call')).toEqual({
      allowed: false,
      limit: 'concurrent_calls',
      max: 2,
      retryAfterSeconds: 1,
    });
    expect(calls.acquire('principal:b', 'call').allowed).toBe(true);
    second();
    expect(calls.acquire('principal:a', 'call').allowed).toBe(true);
  });

  it('frees a slot once, however often its release is called', () => {
    const calls = limiter();
    const first = granted(calls.acquire('principal:a', 'call'));
    granted(calls.acquire('principal:a', 'call'));
    first();
    first();
    first();
    expect(calls.held('principal:a', 'call')).toBe(1);
    expect(calls.stats.calls).toBe(1);
    granted(calls.acquire('principal:a', 'call'));
    expect(calls.acquire('principal:a', 'call').allowed).toBe(false);
  });

  it('caps everyone together: the process total refuses a key that is under its own limit', () => {
    const calls = limiter();
    granted(calls.acquire('principal:a', 'call'));
    granted(calls.acquire('principal:b', 'call'));
    const third = granted(calls.acquire('principal:c', 'call'));
    expect(calls.acquire('principal:d', 'call')).toMatchObject({
      allowed: false,
      limit: 'total_calls',
      max: 3,
    });
    third();
    expect(calls.acquire('principal:d', 'call').allowed).toBe(true);
  });

  it('counts streams apart from calls: open streams never block a tool call', () => {
    const held = limiter();
    granted(held.acquire('ip:203.0.113.7', 'stream'));
    expect(held.acquire('ip:203.0.113.7', 'stream')).toMatchObject({
      allowed: false,
      limit: 'concurrent_streams',
    });
    granted(held.acquire('ip:198.51.100.1', 'stream'));
    expect(held.acquire('ip:192.0.2.1', 'stream')).toMatchObject({ limit: 'total_streams' });
    expect(held.acquire('ip:203.0.113.7', 'call').allowed).toBe(true);
    expect(held.stats).toEqual({ calls: 1, streams: 2, keys: 2 });
  });

  it('keeps no entry for a key that holds nothing', () => {
    const calls = limiter();
    const releases = ['a', 'b', 'a'].map((key) => granted(calls.acquire(key, 'call')));
    for (const release of releases) release();
    expect(calls.stats).toEqual({ calls: 0, streams: 0, keys: 0 });
  });

  it('refuses settings that could never admit anything, or a key more than everyone', () => {
    expect(() =>
      createConcurrencyLimiter({
        calls: { perKey: 0, total: 5 },
        streams: { perKey: 1, total: 1 },
      }),
    ).toThrow(/whole numbers above 0/);
    expect(() =>
      createConcurrencyLimiter({
        calls: { perKey: 5, total: 5 },
        streams: { perKey: 9, total: 3 },
      }),
    ).toThrow(/concurrent streams: perKey \(9\) is above total \(3\)/);
  });
});

describe('concurrencyLimitedError', () => {
  it('answers like a spent budget: 429, Retry-After and the same JSON-RPC body', () => {
    const error = concurrencyLimitedError({
      allowed: false,
      limit: 'concurrent_calls',
      max: 10,
      retryAfterSeconds: 1,
    });
    expect(error.limit).toBe('concurrent_calls');
    expect(toErrorResponse(error, 3)).toEqual({
      httpStatus: 429,
      headers: { 'Retry-After': '1' },
      body: {
        jsonrpc: '2.0',
        id: 3,
        error: {
          code: -31429,
          message: 'Rate limit exceeded: retry after 1s',
          data: { retryAfterSeconds: 1 },
        },
      },
    });
  });
});

describe('heldKind', () => {
  it('counts tool calls and streams, and nothing a running tool may be waiting for', () => {
    expect(heldKind('POST', 'tools/call')).toBe('call');
    expect(heldKind('POST', 'subscriptions/listen')).toBe('stream');
    expect(heldKind('GET', undefined)).toBe('stream');
    for (const method of ['tools/list', 'notifications/cancelled', undefined]) {
      expect(heldKind('POST', method)).toBeUndefined();
    }
    expect(heldKind('DELETE', undefined)).toBeUndefined();
  });
});
