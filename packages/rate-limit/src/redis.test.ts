/**
 * Against the real shared Redis (REDIS_URL, default 127.0.0.1:6379). These tests fail, never
 * skip, when it is not running. Every test uses its own key prefix.
 */

import {
  connectRedis,
  deleteKeys,
  SHARED_REDIS_URL,
  uniquePrefix,
  waitFor,
} from '@mcp-runway/redis/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter, rateLimitHeaders } from './index.js';

const prefix = uniquePrefix();
let first: Redis;
let second: Redis;

beforeAll(async () => {
  // Two clients, as two app instances would have.
  first = await connectRedis();
  second = await connectRedis();
});

afterAll(async () => {
  // Undefined when beforeAll failed; that failure is the one to read.
  if (first) await deleteKeys(first, prefix);
  await Promise.all([first?.quit(), second?.quit()]);
});

describe('the Redis limiter', () => {
  it('makes two instances spend one shared budget', async () => {
    const options = { points: 4, durationSeconds: 60, keyPrefix: `${prefix}:shared` };
    const instanceA = createRateLimiter({ ...options, redis: first });
    const instanceB = createRateLimiter({ ...options, redis: second });
    expect(instanceA.store).toBe('redis');

    const answers = [];
    for (const instance of [instanceA, instanceB, instanceA, instanceB]) {
      const decision = await instance.consume('principal:alice');
      answers.push([decision.allowed, decision.remaining, decision.degraded]);
    }
    expect(answers).toEqual([
      [true, 3, undefined],
      [true, 2, undefined],
      [true, 1, undefined],
      [true, 0, undefined],
    ]);

    for (const instance of [instanceA, instanceB]) {
      const refused = await instance.consume('principal:alice');
      expect(refused).toMatchObject({ allowed: false, limit: 4, remaining: 0 });
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
      expect(rateLimitHeaders(refused)['RateLimit-Remaining']).toBe('0');
    }
    expect(instanceA.stats).toEqual({ redisErrors: 0, degraded: false });
  });

  it('keeps costs, refunds and per-tool limits in Redis', async () => {
    const limiter = createRateLimiter({
      points: 10,
      durationSeconds: 60,
      keyPrefix: `${prefix}:tools`,
      redis: first,
      costs: { long_job: { cost: 4 } },
      toolLimits: { long_job: { points: 2, durationSeconds: 60 } },
    });
    expect((await limiter.consume('k', { tool: 'long_job' })).remaining).toBe(1);
    expect((await limiter.consume('k', { tool: 'long_job' })).remaining).toBe(0);
    expect(await limiter.consume('k', { tool: 'long_job' })).toMatchObject({
      allowed: false,
      limit: 2,
    });
    // 10 - 4 - 4: the refused long_job spent nothing.
    expect((await limiter.consume('k', { tool: 'search_notes' })).remaining).toBe(1);
    expect(await first.get(`${prefix}:tools:global:k`)).toBe('9');
  });

  it('creates, and closes, its own client when given a URL', async () => {
    const limiter = createRateLimiter({
      points: 5,
      durationSeconds: 60,
      keyPrefix: `${prefix}:url`,
      redis: SHARED_REDIS_URL,
    });
    // Its client connects in the background; until then the memory budget answers.
    await waitFor(
      'the limiter to reach Redis',
      async () => (await limiter.consume('probe', { cost: 0 })).degraded === undefined,
    );
    expect((await limiter.consume('k', { cost: 2 })).remaining).toBe(3);
    expect(await first.get(`${prefix}:url:global:k`)).toBe('2');
    await limiter.close();
  });
});
