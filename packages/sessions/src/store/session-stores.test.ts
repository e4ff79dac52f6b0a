/**
 * The session stores' contract, run against both: in memory and real Redis (REDIS_URL,
 * default 127.0.0.1:6379, which must be up; this run's keys live under a unique prefix).
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, SHARED_REDIS_URL, uniquePrefix } from '../test/redis.js';
import { MemorySessionStore } from './memory.js';
import { RedisSessionStore } from './redis.js';
import type { SessionRecord, SessionStore } from './types.js';

const prefix = uniquePrefix();
let redis: Redis;
beforeAll(async () => {
  redis = await connectRedis();
});
afterAll(async () => {
  if (redis) await deleteKeys(redis, prefix);
  await redis?.quit();
});

const record = (overrides: Partial<SessionRecord> = {}): SessionRecord => ({
  principal: 'alice',
  createdAt: 1_000,
  expiresAt: 9_000_000_000_000,
  initialize: '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}',
  logLevel: undefined,
  ...overrides,
});

const kinds: [string, () => SessionStore][] = [
  ['in memory', () => new MemorySessionStore()],
  ['in Redis', () => new RedisSessionStore({ redis, keyPrefix: prefix })],
];

for (const [kind, create] of kinds) {
  describe(`session stores ${kind}`, () => {
    it('keeps a record until it is deleted', async () => {
      const store = create();
      await store.create('s1', record(), 60_000);
      expect(await store.get('s1')).toEqual(record());
      await store.delete('s1');
      expect(await store.get('s1')).toBeUndefined();
    });

    it('keeps an anonymous owner anonymous', async () => {
      const store = create();
      await store.create('anon', record({ principal: undefined }), 60_000);
      expect((await store.get('anon'))?.principal).toBeUndefined();
    });

    it('touches records that exist, tells of one that was deleted, and recreates neither', async () => {
      const store = create();
      await store.create('here', record(), 60_000);
      await store.create('gone', record(), 60_000);
      await store.delete('gone', 60_000);
      const touched = await store.touch([
        { id: 'here', ttlMs: 60_000, lastActive: 5_000 },
        { id: 'gone', ttlMs: 60_000, lastActive: 5_000 },
      ]);
      expect(touched).toEqual(['alive', 'deleted']);
      expect(await store.get('gone')).toBeUndefined();
    });

    it('never writes back a deleted record, and touches one that is there', async () => {
      const store = create();
      await store.create('here', record(), 60_000);
      await store.create('gone', record(), 60_000);
      await store.delete('gone', 60_000);
      const restored = await store.restore([
        { id: 'here', ttlMs: 60_000, lastActive: 5_000, record: record({ principal: 'x' }) },
        { id: 'gone', ttlMs: 60_000, lastActive: 5_000, record: record() },
      ]);
      expect(restored).toEqual([true, false]);
      expect(await store.get('gone')).toBeUndefined();
      // The record there stays as it is: a write-back never overwrites.
      expect(await store.get('here')).toEqual(record());
    });

    it('remembers the log level of a session, but not of one that ended', async () => {
      const store = create();
      await store.create('level', record(), 60_000);
      await store.setLogLevel('level', 'debug');
      expect((await store.get('level'))?.logLevel).toBe('debug');
      await store.setLogLevel('ended', 'debug');
      expect(await store.get('ended')).toBeUndefined();
    });

    it('deletes an idle session only if nobody used it later', async () => {
      const store = create();
      await store.create('idle', record(), 60_000);
      await store.touch([{ id: 'idle', ttlMs: 60_000, lastActive: 5_000 }]);
      // Another instance used it at 5_000; this one last at 4_000: not ours to end.
      expect(await store.deleteIfIdle('idle', 4_000, 60_000)).toBe(false);
      expect(await store.get('idle')).toBeDefined();
      expect(await store.deleteIfIdle('idle', 5_000, 60_000)).toBe(true);
      expect(await store.get('idle')).toBeUndefined();
      const [state] = await store.touch([{ id: 'idle', ttlMs: 60_000, lastActive: 6_000 }]);
      expect(state).toBe('deleted');
    });

    it('lets a record expire when nobody touches it', async () => {
      const store = create();
      await store.create('short', record(), 30);
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(await store.get('short')).toBeUndefined();
    });
  });
}

describe('the Redis session store', () => {
  it('tells a record Redis lost from a deleted one, and writes back only the lost one', async () => {
    const store = new RedisSessionStore({ redis, keyPrefix: prefix });
    await store.create('lost', record(), 60_000);
    await store.setLogLevel('lost', 'debug');
    await redis.del(`${prefix}:lost`); // as a restart without persistence would
    expect(await store.touch([{ id: 'lost', ttlMs: 60_000, lastActive: 7_000 }])).toEqual([
      'missing',
    ]);
    const held = record({ logLevel: 'debug' });
    const restored = await store.restore([
      { id: 'lost', ttlMs: 60_000, lastActive: 7_000, record: held },
    ]);
    expect(restored).toEqual([true]);
    expect(await store.get('lost')).toEqual(held);
    expect(await redis.pttl(`${prefix}:lost`)).toBeGreaterThan(59_000);
    // It is the same record as before: idle since 7_000, for the next eviction's check.
    expect(await store.deleteIfIdle('lost', 6_000, 60_000)).toBe(false);
  });

  it('keeps a tombstone as long as asked, and nothing else of a deleted record', async () => {
    const store = new RedisSessionStore({ redis, keyPrefix: prefix });
    await store.create('tomb', record(), 60_000);
    await store.delete('tomb', 30_000);
    expect(await redis.hgetall(`${prefix}:tomb`)).toEqual({ d: '1' });
    const ttl = await redis.pttl(`${prefix}:tomb`);
    expect(ttl).toBeGreaterThan(29_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
    // Without a tombstone TTL (a session nobody else can hold) the record just goes.
    await store.create('plain', record(), 60_000);
    await store.delete('plain');
    expect(await redis.exists(`${prefix}:plain`)).toBe(0);
  });

  it('never shortens a TTL: another instance may have used the session later', async () => {
    const store = new RedisSessionStore({ redis, keyPrefix: prefix });
    await store.create('long', record(), 100_000);
    await store.touch([{ id: 'long', ttlMs: 10_000, lastActive: 2 }]);
    expect(await redis.pttl(`${prefix}:long`)).toBeGreaterThan(90_000);
  });

  it('sets the TTL it is given, and a touch moves it', async () => {
    const store = new RedisSessionStore({ redis, keyPrefix: prefix });
    await store.create('ttl', record(), 10_000);
    expect(await redis.pttl(`${prefix}:ttl`)).toBeGreaterThan(9_000);
    await store.touch([{ id: 'ttl', ttlMs: 100_000, lastActive: 2 }]);
    expect(await redis.pttl(`${prefix}:ttl`)).toBeGreaterThan(99_000);
  });

  it('opens and closes its own client when given a URL', async () => {
    const store = new RedisSessionStore({ redis: SHARED_REDIS_URL, keyPrefix: prefix });
    // Its client connects in the background and refuses commands until then.
    let stored = false;
    for (let attempt = 0; attempt < 100 && !stored; attempt++) {
      stored = await store.create('own', record(), 60_000).then(
        () => true,
        () => new Promise((resolve) => setTimeout(() => resolve(false), 20)),
      );
    }
    expect(await store.get('own')).toEqual(record());
    await store.close();
  });
});
