/**
 * How long events are kept: after a response, after the last event, and in total (memory),
 * against real Redis where it applies (REDIS_URL, default 127.0.0.1:6379, which must be up).
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { note, replayed } from '../test/events.js';
import { connectRedis, deleteKeys, uniquePrefix } from '../test/redis.js';
import { MemoryEventStores } from './memory.js';
import { RedisEventStores } from './redis.js';

const prefix = uniquePrefix();
let redis: Redis;
beforeAll(async () => {
  redis = await connectRedis();
});
afterAll(async () => {
  if (redis) await deleteKeys(redis, prefix);
  await redis?.quit();
});

describe('completed request streams', () => {
  const response: JSONRPCMessage = { jsonrpc: '2.0', id: 1, result: {} };

  it('expire completedTtlMs after their response, in Redis', async () => {
    const keyPrefix = `${prefix}:completed`;
    const stores = new RedisEventStores({ redis, keyPrefix, ttlMs: 60_000, completedTtlMs: 5_000 });
    const store = stores.forSession('s1');
    await store.storeEvent('request', note(1));
    await store.storeEvent('request', response);
    const ttl = await redis.pttl(`${keyPrefix}:s1:request`);
    expect(ttl).toBeGreaterThan(4_000);
    expect(ttl).toBeLessThanOrEqual(5_000);
  });

  it('expire completedTtlMs after their response, in memory', async () => {
    const clock = { now: 0 };
    const stores = new MemoryEventStores({
      ttlMs: 60_000,
      completedTtlMs: 5_000,
      now: () => clock.now,
    });
    const store = stores.forSession('s1');
    const first = await store.storeEvent('request', note(1));
    await store.storeEvent('request', response);
    clock.now = 4_999;
    expect(await replayed(store, first)).toHaveLength(1);
    clock.now = 5_000;
    expect(await replayed(store, first)).toEqual([]);
  });
});

describe('memory event streams', () => {
  it('hold at most maxEvents in total, dropping the oldest streams first', async () => {
    const stores = new MemoryEventStores({ maxEvents: 10 });
    const old = stores.forSession('old');
    const first = await old.storeEvent('s', note(1));
    const recent = stores.forSession('recent');
    for (let n = 0; n < 10; n++) await recent.storeEvent('s', note(n));
    expect(stores.size).toBeLessThanOrEqual(10);
    expect(await replayed(old, first)).toEqual([]);
  });

  it('stop replaying a stream ttlMs after its last event', async () => {
    const clock = { now: 0 };
    const store = new MemoryEventStores({ ttlMs: 1_000, now: () => clock.now }).forSession('s');
    const first = await store.storeEvent('s', note(1));
    await store.storeEvent('s', note(2));
    clock.now = 999;
    expect(await replayed(store, first)).toHaveLength(1);
    clock.now = 2_000;
    expect(await replayed(store, first)).toEqual([]);
  });
});
