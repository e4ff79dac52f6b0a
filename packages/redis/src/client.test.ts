import { afterAll, describe, expect, it } from 'vitest';
import { closeRedis, connectRedis, createRedisClient, resolveRedis } from './client.js';
import { SHARED_REDIS_URL, startRedisServer } from './testing/index.js';

function recorder() {
  const lines: { level: string; msg: unknown }[] = [];
  return {
    lines,
    logger: {
      warn: (msg: unknown) => lines.push({ level: 'warn', msg }),
      info: (_obj: unknown, msg?: unknown) => lines.push({ level: 'info', msg }),
      debug: (_obj: unknown, msg?: unknown) => lines.push({ level: 'debug', msg }),
    },
  };
}

describe('connectRedis', () => {
  it('connects at startup to a Redis that is there, and says nothing', async () => {
    const { lines, logger } = recorder();
    const redis = await connectRedis(SHARED_REDIS_URL, { logger });
    expect(redis.status).toBe('ready');
    expect(await redis.ping()).toBe('PONG');
    expect(lines.filter((line) => line.level === 'warn')).toEqual([]);
    await closeRedis(redis);
    await expect.poll(() => redis.status).toBe('end');
  });

  it('starts anyway when Redis is not there yet, warns once, and connects when it comes', async () => {
    const server = await startRedisServer();
    await server.kill();
    const { lines, logger } = recorder();
    const redis = await connectRedis(server.url, { logger, waitMs: 300 });
    try {
      expect(redis.status).not.toBe('ready');
      expect(lines.filter((line) => line.level === 'warn')).toHaveLength(1);
      // Request-path settings: a command fails at once instead of queueing until Redis returns.
      await expect(redis.get('k')).rejects.toThrow();
      await server.restart();
      await expect.poll(() => redis.status, { timeout: 5_000, interval: 50 }).toBe('ready');
      expect(await redis.ping()).toBe('PONG');
    } finally {
      await closeRedis(redis);
      await server.kill();
    }
  });
});

describe('resolveRedis', () => {
  const given = createRedisClient(SHARED_REDIS_URL);
  afterAll(() => closeRedis(given));

  it('uses a client it is given and leaves closing it to the caller', () => {
    expect(resolveRedis(given)).toEqual({ client: given, owned: false });
  });

  it('makes its own client from a URL, which the receiver owns', async () => {
    const { client, owned } = resolveRedis(SHARED_REDIS_URL);
    expect(owned).toBe(true);
    expect(client).not.toBe(given);
    await closeRedis(client);
  });
});
