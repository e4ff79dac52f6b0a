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

  it('ends a held session whose record did not survive, so its client starts over', async () => {
    await redisServer.restart();
    await waitFor('Redis again', () => redis.status === 'ready', 10_000);
    // The new Redis is empty: the record is gone, so the session ends here too (404).
    expect((await ping(held)).status).toBe(404);
    expect(instance.registry.stats).toMatchObject({ active: 0, gone: 1 });
    await waitFor('its server to close', () => instance.servers.every((s) => !s.isConnected()));
    // New sessions are resumable again.
    expect((await ping(await initializeRaw(instance.url))).status).toBe(200);
  }, 15_000);
});
