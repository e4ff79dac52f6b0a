/**
 * Test helpers for the real shared Redis (REDIS_URL, default 127.0.0.1:6379). It must be up:
 * these tests fail loudly, never skip, without it.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedisClient } from '../redis.js';

export const SHARED_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Keys of one test run, so runs and other packages' tests never meet. */
export function uniquePrefix(): string {
  return `test:sessions:${randomUUID()}`;
}

/** Polls until `done()` holds; fails after `timeoutMs` so no test can spin forever. */
export async function waitFor(
  what: string,
  done: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A connected client with the request-path settings; throws loudly when Redis is not there. */
export async function connectRedis(url = SHARED_REDIS_URL): Promise<Redis> {
  const client = createRedisClient(url);
  let lastError: unknown;
  client.on('error', (error) => {
    lastError = error;
  });
  try {
    await waitFor('Redis', () => client.status === 'ready', 3_000);
  } catch {
    client.disconnect();
    throw new Error(
      `Redis is unreachable at ${url} (${String(lastError)}). These tests need a real Redis: ` +
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
