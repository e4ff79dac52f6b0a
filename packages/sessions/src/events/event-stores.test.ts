/**
 * The event stores' contract, run against both: in memory and real Redis (REDIS_URL, default
 * 127.0.0.1:6379, which must be up; this run's keys live under a unique prefix).
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { note, replayed } from '../test/events.js';
import { connectRedis, deleteKeys, uniquePrefix, waitFor } from '../test/redis.js';
import { MemoryEventStores } from './memory.js';
import { RedisEventStores } from './redis.js';
import type { SessionEventStores } from './types.js';

const prefix = uniquePrefix();
let redis: Redis;
beforeAll(async () => {
  redis = await connectRedis();
});
afterAll(async () => {
  if (redis) await deleteKeys(redis, prefix);
  await redis?.quit();
});

const kinds: [string, (retention: { maxEventsPerStream?: number }) => SessionEventStores][] = [
  ['in memory', (retention) => new MemoryEventStores(retention)],
  [
    'in Redis',
    (retention) =>
      new RedisEventStores({
        redis,
        keyPrefix: `${prefix}:${Math.random()}`,
        resumeWaitMs: 100,
        pollIntervalMs: 10,
        ...retention,
      }),
  ],
];

for (const [kind, create] of kinds) {
  describe(`event stores ${kind}`, () => {
    it('replays exactly the events after the given id, of that stream only', async () => {
      const store = create({}).forSession('s1');
      const priming = await store.storeEvent('stream-a', {} as JSONRPCMessage);
      const ids = [];
      for (let n = 1; n <= 4; n++) {
        ids.push(await store.storeEvent('stream-a', note(n)));
        await store.storeEvent('stream-b', note(100 + n));
      }
      expect(await replayed(store, ids[1] ?? '')).toEqual([
        [ids[2], 3],
        [ids[3], 4],
      ]);
      // From the priming event: everything, but never the empty priming message itself.
      expect((await replayed(store, priming)).map(([, n]) => n)).toEqual([1, 2, 3, 4]);
      expect(await replayed(store, ids[3] ?? '')).toEqual([]);
      expect(await store.getStreamIdForEventId?.(ids[0] ?? '')).toBe('stream-a');
    });

    it('keeps each session to its own events, even on the shared GET stream name', async () => {
      const stores = create({});
      const mine = stores.forSession('mine');
      const theirs = stores.forSession('theirs');
      const first = await mine.storeEvent('_GET_stream', note(1));
      await theirs.storeEvent('_GET_stream', note(2));
      await mine.storeEvent('_GET_stream', note(3));
      expect((await replayed(mine, first)).map(([, n]) => n)).toEqual([3]);
      expect(await replayed(theirs, first)).not.toContainEqual([expect.anything(), 3]);
    });

    it('keeps at most maxEventsPerStream events per stream, dropping the oldest', async () => {
      const store = create({ maxEventsPerStream: 3 }).forSession('s1');
      const first = await store.storeEvent('s', note(0));
      for (let n = 1; n <= 5; n++) await store.storeEvent('s', note(n));
      expect((await replayed(store, first)).map(([, n]) => n)).toEqual([3, 4, 5]);
    });

    it('refuses event ids it never issued, so the SDK answers 400', async () => {
      const store = create({}).forSession('s1');
      for (const bogus of ['', 'nocolon', 'stream:', 'stream:not-a-position']) {
        expect(await store.getStreamIdForEventId?.(bogus)).toBeUndefined();
      }
    });

    it('forgets a session when it ends', async () => {
      const stores = create({});
      const store = stores.forSession('ending');
      const first = await store.storeEvent('s', note(1));
      await store.storeEvent('s', note(2));
      stores.endSession('ending');
      await waitFor('the events to go', async () => (await replayed(store, first)).length === 0);
    });
  });
}

describe('Redis event streams', () => {
  it('expire ttlMs after their last event', async () => {
    const keyPrefix = `${prefix}:ttl`;
    const store = new RedisEventStores({ redis, keyPrefix, ttlMs: 60_000 }).forSession('s1');
    await store.storeEvent('stream-a', note(1));
    const ttl = await redis.pttl(`${keyPrefix}:s1:stream-a`);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});

describe('resuming from Redis', () => {
  const stores = () =>
    new RedisEventStores({
      redis,
      keyPrefix: `${prefix}:wait`,
      resumeWaitMs: 2_000,
      pollIntervalMs: 10,
    });

  it('waits for the next event of a request stream rather than answer with none', async () => {
    const store = stores().forSession('waiting');
    const first = await store.storeEvent('request-stream', note(1));
    const resumed = replayed(store, first);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await store.storeEvent('request-stream', note(2));
    expect(await resumed).toEqual([[second, 2]]);
  });

  it('answers at once on the GET stream, which stays open after a replay anyway', async () => {
    const store = stores().forSession('standalone');
    const first = await store.storeEvent('_GET_stream', note(1));
    const started = Date.now();
    expect(await replayed(store, first)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
