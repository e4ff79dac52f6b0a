/**
 * Redis failing under a running limiter, on a redis-server of this file's own (never the
 * shared one): frozen (SIGSTOP), killed, restarted on the same port.
 */

import {
  connectRedis,
  type RedisServer,
  startRedisServer,
  uniquePrefix,
  waitFor,
} from '@mcp-runway/redis/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthFailureLimiter, createRateLimiter } from './index.js';
import { captureLog } from './test/log.js';

let server: RedisServer;
let clientA: Redis;
let clientB: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  // Two app instances, each with its own connection.
  clientA = await connectRedis(server.url);
  clientB = await connectRedis(server.url);
});

afterAll(async () => {
  clientA?.disconnect();
  clientB?.disconnect();
  await server?.kill();
});

/** How many times Redis ran the limiter's script (INFO commandstats). */
async function scriptCalls(observer: Redis): Promise<number> {
  const info = await observer.info('commandstats');
  return Number(/cmdstat_evalsha:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('a Redis outage', () => {
  it('answers within the command timeout when Redis accepts but stops replying', async () => {
    const limiter = createRateLimiter({
      points: 3,
      durationSeconds: 60,
      keyPrefix: uniquePrefix(),
      redis: clientA,
    });
    process.kill(server.pid, 'SIGSTOP');
    try {
      const { value, ms } = await timed(() => limiter.consume('k'));
      expect(value).toMatchObject({ allowed: true, remaining: 2, degraded: true });
      expect(ms).toBeGreaterThanOrEqual(400);
      expect(ms).toBeLessThan(1_500);
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
    await waitFor(
      'Redis to answer again',
      async () => (await limiter.consume('probe', { cost: 0 })).degraded === undefined,
    );
    expect(limiter.stats).toMatchObject({ redisErrors: 1, degraded: false });
  });

  it('stops sending to a frozen Redis once the circuit opens: the memory budget answers at once', async () => {
    // A connection of its own, probing often, so the test need not wait for the default 2 s.
    const redis = await connectRedis(server.url, { probeIntervalMs: 100 });
    const limiter = createRateLimiter({
      points: 100,
      durationSeconds: 60,
      keyPrefix: uniquePrefix(),
      redis,
    });
    // The limiter's script, loaded (EVALSHA, NOSCRIPT, EVAL) while Redis answers.
    await limiter.consume('warm-up');
    const sent = await scriptCalls(clientB);

    process.kill(server.pid, 'SIGSTOP');
    try {
      // Sent while the circuit is closed: each of these waits out the command timeout.
      const first = await Promise.all(Array.from({ length: 10 }, () => limiter.consume('k')));
      expect(first.every((decision) => decision.degraded)).toBe(true);
      // From then on the memory budget answers, without a command to Redis.
      for (let call = 0; call < 20; call++) {
        expect(await limiter.consume('k')).toMatchObject({ allowed: true, degraded: true });
      }
      expect(await limiter.consume('k')).toMatchObject({ remaining: 100 - 31 });
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
    // A PING sent after all that is answered after it: Redis has run whatever it was sent.
    await waitFor('Redis to answer this client again', () =>
      redis.ping().then(
        () => true,
        () => false,
      ),
    );
    expect((await scriptCalls(clientB)) - sent).toBe(10);
    expect(limiter.stats).toEqual({ redisErrors: 31, degraded: true });
    // Shared again: the circuit is closed, and the next call is counted in Redis.
    expect(await limiter.consume('k')).toEqual({
      allowed: true,
      limit: 100,
      remaining: 89,
      resetSeconds: 60,
    });
    redis.disconnect();
  }, 20_000);

  it('falls back to a per-instance budget while Redis is down, then shares one again', async () => {
    const log = captureLog();
    const options = { points: 3, durationSeconds: 60, keyPrefix: uniquePrefix() };
    const instanceA = createRateLimiter({ ...options, redis: clientA, logger: log.logger });
    const instanceB = createRateLimiter({ ...options, redis: clientB });
    expect(await instanceA.consume('k')).toMatchObject({ allowed: true, remaining: 2 });

    await server.kill();
    // Every request is still answered, promptly, and still limited: by A's own memory budget.
    const answers = [];
    for (let call = 0; call < 4; call++) {
      const { value, ms } = await timed(() => instanceA.consume('k'));
      expect(ms).toBeLessThan(1_000);
      answers.push([value.allowed, value.remaining, value.degraded]);
    }
    expect(answers).toEqual([
      [true, 2, true],
      [true, 1, true],
      [true, 0, true],
      [false, 0, true],
    ]);
    expect(instanceA.stats).toEqual({ redisErrors: 4, degraded: true });
    // One warning for the outage, not one per request.
    expect(log.lines().filter((line) => line.level === 'warn')).toHaveLength(1);

    await server.restart();
    await waitFor(
      'both instances to reconnect',
      () => clientA.status === 'ready' && clientB.status === 'ready',
    );
    // The shared budget again (the restarted Redis starts empty): A and B count together.
    expect(await instanceA.consume('k')).toEqual({
      allowed: true,
      limit: 3,
      remaining: 2,
      resetSeconds: 60,
    });
    expect(await instanceB.consume('k')).toMatchObject({ allowed: true, remaining: 1 });
    expect(instanceA.stats).toEqual({ redisErrors: 4, degraded: false });
    expect(log.lines().at(-1)).toMatchObject({ level: 'info', failedCalls: 4 });
    expect(log.lines().at(-1)?.msg).toMatch(/Redis is back/);
  }, 15_000);

  it('keeps limiting failed authentication in memory while Redis is down', async () => {
    const limiter = createAuthFailureLimiter({
      points: 2,
      durationSeconds: 60,
      keyPrefix: uniquePrefix(),
      redis: clientA,
    });
    await server.kill();
    try {
      for (let failure = 0; failure < 2; failure++) {
        await limiter.admit('ip:203.0.113.7');
        await limiter.failed('ip:203.0.113.7');
      }
      await expect(limiter.admit('ip:203.0.113.7')).rejects.toMatchObject({
        httpStatus: 429,
        limit: 'auth_failures',
      });
      expect(limiter.stats.degraded).toBe(true);
    } finally {
      await server.restart();
    }
    await waitFor('the client to reconnect', () => clientA.status === 'ready');
  }, 15_000);
});
