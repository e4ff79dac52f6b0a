/**
 * The real shared Redis (REDIS_URL, default 127.0.0.1:6379) for the Redis-backed tests. It
 * must be up: these tests fail loudly, never skip, without it.
 */
import { createRedisClient } from '@mcp-runway/sessions';
import type { Redis } from 'ioredis';

export const SHARED_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function connectRedis(url = SHARED_REDIS_URL): Promise<Redis> {
  const client = createRedisClient(url, { lazyConnect: true });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new Error(
      `Redis is unreachable at ${url} (${String(error)}). These tests need a real Redis: ` +
        'start redis-server, or set REDIS_URL.',
    );
  }
  return client;
}

/** Deletes every key under `prefix` (SCAN in batches). */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
