import { Redis, type RedisOptions } from 'ioredis';

/** ioredis options minus RESP3 `replyMapping`, which would change the replies the stores read. */
export type RedisClientOptions = Omit<RedisOptions, 'replyMapping'>;

/**
 * ioredis settings for a client on the request path (the same as @mcp-runway/rate-limit's;
 * a shared Redis package is the natural next step once a third package needs them). By default
 * ioredis queues commands while disconnected, so every request would wait for Redis to return.
 */
export const REQUEST_PATH_REDIS_OPTIONS: Readonly<RedisClientOptions> = {
  // Fail at once while disconnected, instead of queueing until Redis returns.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  // A Redis that accepts the connection but does not answer.
  commandTimeout: 500,
  connectTimeout: 2_000,
  retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
};

/** A client for session records and event streams (`redis://`, `rediss://` for TLS). */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  return new Redis(url, { ...REQUEST_PATH_REDIS_OPTIONS, ...options });
}

/** A client given by the caller, or one made from a URL that the caller of this must close. */
export function resolveRedis(redis: Redis | string): { client: Redis; owned: boolean } {
  if (typeof redis !== 'string') return { client: redis, owned: false };
  const client = createRedisClient(redis);
  // ioredis reports connection errors as 'error' events; the callers see failed commands.
  client.on('error', () => {});
  return { client, owned: true };
}
