/**
 * The failed-authentication limit, in memory and through the real shared Redis (REDIS_URL,
 * default 127.0.0.1:6379; the Redis test fails, never skips, without it).
 */
import { RateLimitedError, toErrorResponse } from '@mcp-runway/errors';
import { connectRedis, deleteKeys, uniquePrefix } from '@mcp-runway/redis/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthFailureLimiter } from './index.js';

async function refusal(admitting: Promise<void>): Promise<RateLimitedError | undefined> {
  try {
    await admitting;
    return undefined;
  } catch (error) {
    if (error instanceof RateLimitedError) return error;
    throw error;
  }
}

describe('createAuthFailureLimiter, in memory', () => {
  it('admits an address until it has failed the limit, then refuses it with 429 until the window ends', async () => {
    const limiter = createAuthFailureLimiter({ points: 3, durationSeconds: 60 });
    for (let failure = 0; failure < 3; failure++) {
      expect(await refusal(limiter.admit('ip:203.0.113.7'))).toBeUndefined();
      await limiter.failed('ip:203.0.113.7');
    }
    const refused = await refusal(limiter.admit('ip:203.0.113.7'));
    expect(refused?.limit).toBe('auth_failures');
    expect(refused?.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    const { httpStatus, headers, body } = toErrorResponse(refused, null);
    expect([httpStatus, headers['Retry-After'], body.error.code]).toEqual([429, '60', -31429]);
  });

  it('keeps each address to its own count: another address is admitted', async () => {
    const limiter = createAuthFailureLimiter({ points: 1, durationSeconds: 60 });
    await limiter.failed('ip:203.0.113.7');
    expect(await refusal(limiter.admit('ip:203.0.113.7'))).toBeInstanceOf(RateLimitedError);
    expect(await refusal(limiter.admit('ip:198.51.100.1'))).toBeUndefined();
    expect(await refusal(limiter.admit('ip:2001:db8::/64'))).toBeUndefined();
  });

  it('starts over when the window ends', async () => {
    const limiter = createAuthFailureLimiter({ points: 1, durationSeconds: 1 });
    await limiter.failed('ip:203.0.113.7');
    expect(await refusal(limiter.admit('ip:203.0.113.7'))).toBeInstanceOf(RateLimitedError);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await refusal(limiter.admit('ip:203.0.113.7'))).toBeUndefined();
  });
});

describe('createAuthFailureLimiter, through Redis', () => {
  const prefix = uniquePrefix('auth-failures');
  let first: Redis;
  let second: Redis;
  beforeAll(async () => {
    first = await connectRedis();
    second = await connectRedis();
  });
  afterAll(async () => {
    if (first) await deleteKeys(first, prefix);
    await Promise.all([first?.quit(), second?.quit()]);
  });

  it('counts the failures of every instance together', async () => {
    const options = { points: 4, durationSeconds: 60, keyPrefix: prefix };
    const a = createAuthFailureLimiter({ ...options, redis: first });
    const b = createAuthFailureLimiter({ ...options, redis: second });
    expect(a.store).toBe('redis');
    for (const instance of [a, b, a, b]) {
      await instance.admit('ip:203.0.113.7');
      await instance.failed('ip:203.0.113.7');
    }
    for (const instance of [a, b]) {
      expect(await refusal(instance.admit('ip:203.0.113.7'))).toBeInstanceOf(RateLimitedError);
    }
    expect(await refusal(b.admit('ip:198.51.100.1'))).toBeUndefined();
    expect(a.stats).toEqual({ redisErrors: 0, degraded: false });
  });
});
