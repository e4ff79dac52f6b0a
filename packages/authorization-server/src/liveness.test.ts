/**
 * Whether an access token's grant is alive, against a redis-server of this file's own that it
 * kills: a recorded token is active while its grant exists; a revoked grant or an unknown
 * `jti` is not; with Redis gone the check throws (the resource server answers 503), except for
 * a token whose positive answer is still in this process's cache.
 */

import type { GuardedRedis } from '@mcp-runway/redis';
import { connectRedis, type RedisServer, startRedisServer } from '@mcp-runway/redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenLiveness } from './liveness.js';
import { createMemoryStore } from './memory-store.js';
import { createRedisStore } from './redis-store.js';

const inAMinute = () => Math.floor(Date.now() / 1000) + 60;

describe('token liveness in memory', () => {
  it('follows the grant, and forgets a cached answer when this process revokes it', async () => {
    const store = createMemoryStore({ clientIdleTtlSeconds: 60 });
    const liveness = createTokenLiveness({ store, cacheMs: 60_000 });
    const grants = store.adapterFor('Grant');
    await grants.upsert('g1', { accountId: 'carol' }, 60);
    await liveness.issued('t1', 'g1', inAMinute());
    expect(await liveness.isActive({ jti: 't1' })).toBe(true);
    expect(await liveness.isActive({ jti: 'never-issued' })).toBe(false);
    expect(await liveness.isActive({})).toBe(false);
    await grants.destroy('g1');
    expect(await liveness.isActive({ jti: 't1' })).toBe(true); // cached, not told
    liveness.revoked('g1');
    expect(await liveness.isActive({ jti: 't1' })).toBe(false);
    store.close();
  });
});

describe('token liveness in Redis', () => {
  let server: RedisServer;
  let redis: GuardedRedis;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = await connectRedis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.kill();
  });

  it('fails closed when Redis is gone, but for answers still cached', async () => {
    const store = createRedisStore({ redis, keyPrefix: 'liveness', clientIdleTtlSeconds: 60 });
    const cached = createTokenLiveness({ store, cacheMs: 60_000 });
    const uncached = createTokenLiveness({ store, cacheMs: 0 });
    await store.adapterFor('Grant').upsert('g1', { accountId: 'carol' }, 60);
    await cached.issued('t1', 'g1', inAMinute());
    await cached.issued('t2', 'g1', inAMinute());
    expect(await cached.isActive({ jti: 't1' })).toBe(true);
    expect(await uncached.isActive({ jti: 't1' })).toBe(true);

    await server.kill();
    expect(await cached.isActive({ jti: 't1' })).toBe(true);
    await expect(cached.isActive({ jti: 't2' })).rejects.toThrow();
    await expect(uncached.isActive({ jti: 't1' })).rejects.toThrow();
  });
});
