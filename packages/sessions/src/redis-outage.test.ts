/**
 * The shared store failing under a running registry, on a redis-server of this file's own
 * (never the shared one): killed, then restarted empty on the same port.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisEventStores } from './events/redis.js';
import { RedisSessionStore } from './store/redis.js';
import { type Instance, startInstance } from './test/instance.js';
import { initializeRaw, messagesOf, post } from './test/raw.js';
import { connectRedis, type RedisServer, startRedisServer, waitFor } from './test/redis.js';

let redisServer: RedisServer;
let redis: Redis;
let instance: Instance;
/** The session made before the outage, held by the instance. */
let held: string;
/** The session keys of the two-instance tests (the first instance uses the default prefix). */
const PREFIX = 'two-instances:sessions';

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = await connectRedis(redisServer.url);
  instance = await startInstance({
    store: new RedisSessionStore({ redis }),
    eventStores: new RedisEventStores({ redis }),
  });
});
afterAll(async () => {
  await instance?.close();
  redis?.disconnect();
  await redisServer?.kill();
});

const ping = (id: string) =>
  post(instance.url, { jsonrpc: '2.0', id: 1, method: 'ping' }, { 'mcp-session-id': id });

describe('a Redis outage', () => {
  it('keeps serving the sessions an instance holds, and answers 503 for what it cannot know', async () => {
    held = await initializeRaw(instance.url);
    await redisServer.kill();
    await waitFor('the client to notice', () => redis.status !== 'ready');

    // Held here: served from the local copy (no event ids while the event store is down).
    const response = await ping(held);
    expect(response.status).toBe(200);
    expect(await messagesOf(response)).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);

    // Not held here: it may exist in Redis, so 503 (retry) rather than 404 (start over).
    const unknown = await ping('held-elsewhere');
    expect(unknown.status).toBe(503);
    expect(unknown.headers.get('retry-after')).toBe('1');

    // A new session would not be resumable elsewhere: refused until Redis is back.
    const refused = await post(instance.url, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'x', version: '1' },
      },
    });
    expect(refused.status).toBe(503);
    expect(instance.registry.stats.active).toBe(1);
  });

  it('keeps a held session whose record did not survive: it writes the record back', async () => {
    await redisServer.restart();
    await waitFor('Redis again', () => redis.status === 'ready', 10_000);
    expect(await redis.dbsize()).toBe(0);
    // The new Redis is empty, but nobody deleted the session: it carries on, record and all.
    expect((await ping(held)).status).toBe(200);
    const key = `mcp-runway:sessions:${held}`;
    expect(await redis.hget(key, 'i')).toContain('"initialize"');
    expect(await redis.pttl(key)).toBeGreaterThan(0);
    expect(instance.registry.stats).toMatchObject({ active: 1, gone: 0, restored: 1 });
    // New sessions are resumable again.
    expect((await ping(await initializeRaw(instance.url))).status).toBe(200);
  }, 15_000);
});

describe('Redis restarted empty under two instances', () => {
  let a: Instance;
  let b: Instance;
  const key = (id: string) => `${PREFIX}:${id}`;
  const pingOn = (target: Instance, id: string) =>
    post(target.url, { jsonrpc: '2.0', id: 1, method: 'ping' }, { 'mcp-session-id': id });

  beforeAll(async () => {
    const shared = () => ({
      store: new RedisSessionStore({ redis, keyPrefix: PREFIX }),
      eventStores: new RedisEventStores({ redis, keyPrefix: `${PREFIX}:events` }),
    });
    a = await startInstance(shared());
    b = await startInstance(shared());
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('keeps every session serving on the same and on another instance', async () => {
    const used = await initializeRaw(a.url);
    const idle = await initializeRaw(a.url);
    await redisServer.kill();
    await redisServer.restart();
    await waitFor('Redis again', () => redis.status === 'ready', 10_000);
    expect(await redis.exists(key(used), key(idle))).toBe(0);

    // On the instance that holds it: the request finds the record missing and writes it back.
    expect((await pingOn(a, used)).status).toBe(200);
    expect(await redis.exists(key(used))).toBe(1);
    // The sweep writes back the records of every session held, idle ones too...
    a.registry.sweep();
    await waitFor("the idle session's record", async () => (await redis.exists(key(idle))) === 1);
    expect(await redis.pttl(key(idle))).toBeGreaterThan(0);
    // ...so another instance carries the session on from it.
    expect((await pingOn(b, idle)).status).toBe(200);
    expect(b.registry.stats).toMatchObject({ adopted: 1 });
    expect(a.registry.stats).toMatchObject({ active: 2, gone: 0, restored: 2 });
  }, 20_000);

  it('still ends a session on every instance on DELETE', async () => {
    const id = await initializeRaw(a.url);
    expect((await pingOn(b, id)).status).toBe(200); // B holds a copy too
    await redisServer.kill();
    await redisServer.restart();
    await waitFor('Redis again', () => redis.status === 'ready', 10_000);

    const deleted = await fetch(a.url, { method: 'DELETE', headers: { 'mcp-session-id': id } });
    expect(deleted.status).toBe(200);
    // B's copy: its record is not missing but deleted, so B ends it rather than write it back.
    expect((await pingOn(b, id)).status).toBe(404);
    expect(await redis.hget(key(id), 'i')).toBeNull();
    expect(b.registry.stats).toMatchObject({ gone: 1 });
  }, 20_000);
});
