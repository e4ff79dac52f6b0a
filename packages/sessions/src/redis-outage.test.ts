/**
 * The shared store failing under a running registry, on a redis-server of this file's own
 * (never the shared one): frozen and thawed, then killed and restarted empty on the same port.
 * What reached Redis is read from Redis itself (INFO commandstats) once it answers again.
 */
import type { GuardedRedis } from '@mcp-runway/redis';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisEventStores } from './events/redis.js';
import { RedisSessionStore } from './store/redis.js';
import { type Instance, startInstance } from './test/instance.js';
import { initializeRaw, initializeRequest, messagesOf, post } from './test/raw.js';
import { connectRedis, type RedisServer, startRedisServer, waitFor } from './test/redis.js';

let redisServer: RedisServer;
/** The instance's one connection, for its session records and its event streams. */
let redis: GuardedRedis;
/** Another connection, to read what Redis ran. */
let observer: Redis;
let instance: Instance;
/** The session made before the outage, held by the instance. */
let held: string;
/** The session keys of the two-instance tests (the first instance uses the default prefix). */
const PREFIX = 'two-instances:sessions';

beforeAll(async () => {
  redisServer = await startRedisServer();
  // Probing every 100 ms, so the tests need not wait the default 2 s for the circuit to close.
  redis = await connectRedis(redisServer.url, { probeIntervalMs: 100 });
  observer = await connectRedis(redisServer.url);
  instance = await startInstance({
    store: new RedisSessionStore({ redis }),
    eventStores: new RedisEventStores({ redis }),
  });
});
afterAll(async () => {
  await instance?.close();
  redis?.disconnect();
  observer?.disconnect();
  await redisServer?.kill();
});

const ping = (id: string) =>
  post(instance.url, { jsonrpc: '2.0', id: 1, method: 'ping' }, { 'mcp-session-id': id });

/** Commands Redis ran for the session lane: everything but PING, INFO and the test's GETs. */
async function sessionCommands(): Promise<number> {
  const info = await observer.info('commandstats');
  let total = 0;
  for (const [, command, calls] of info.matchAll(/cmdstat_([\w|]+):calls=(\d+)/g)) {
    if (!['ping', 'info', 'get'].includes(command ?? '')) total += Number(calls);
  }
  return total;
}

describe('a frozen Redis', () => {
  it('once the circuit is open, serves a held session and refuses new ones at once, sending Redis nothing', async () => {
    const id = await initializeRaw(instance.url);
    const before = await sessionCommands();
    redisServer.freeze();
    const statuses: number[] = [];
    try {
      // Five commands time out, so the circuit is open before any session request.
      await Promise.allSettled(Array.from({ length: 5 }, () => redis.get('trip')));
      for (let request = 0; request < 10; request++) statuses.push((await ping(id)).status);
      statuses.push((await ping('held-elsewhere')).status);
      statuses.push((await post(instance.url, initializeRequest)).status);
    } finally {
      redisServer.thaw();
    }
    // A PING sent after all that is answered after it: Redis has run whatever it was sent.
    await waitFor('Redis to answer the instance again', () =>
      redis.ping().then(
        () => true,
        () => false,
      ),
    );
    expect(await sessionCommands()).toBe(before);
    // Held: served from the local copy. Elsewhere, and new sessions: 503, retry shortly.
    expect(statuses).toEqual([...Array(10).fill(200), 503, 503]);
    expect(redis.circuit.stats.rejected).toBeGreaterThan(0);

    // Closed again: the held session's record is refreshed in Redis once more.
    expect((await ping(id)).status).toBe(200);
    expect(await sessionCommands()).toBeGreaterThan(before);
    const ended = await fetch(instance.url, {
      method: 'DELETE',
      headers: { 'mcp-session-id': id },
    });
    expect(ended.status).toBe(200);
  }, 30_000);
});

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
