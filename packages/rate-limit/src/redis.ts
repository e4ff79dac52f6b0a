import { Redis, type RedisOptions } from 'ioredis';

/** ioredis options minus RESP3 `replyMapping`, which would change the replies the limiter reads. */
export type RedisClientOptions = Omit<RedisOptions, 'replyMapping'>;

/**
 * ioredis settings for a client that sits on the request path. ioredis's defaults suit a
 * worker that may wait; a rate limiter must not: by default a command issued while Redis is
 * down waits in a queue until Redis returns, and so would every request.
 */
export const REQUEST_PATH_REDIS_OPTIONS: Readonly<RedisClientOptions> = {
  // Fail at once while disconnected, instead of queueing until Redis returns.
  enableOfflineQueue: false,
  // Commands in flight when the connection drops fail then, instead of being resent later.
  maxRetriesPerRequest: 0,
  // A Redis that accepts the connection but does not answer (overloaded, partitioned).
  commandTimeout: 500,
  connectTimeout: 2_000,
  // Keep reconnecting for as long as it takes, at least every 2 s, so recovery is prompt.
  retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
};

/**
 * A Redis client for rate limiting (`redis://[:password@]host:port[/db]`, `rediss://` for
 * TLS), with {@link REQUEST_PATH_REDIS_OPTIONS}. Not for blocking commands (`XREAD BLOCK`):
 * the command timeout would cut them off; give those their own client.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  return new Redis(url, { ...REQUEST_PATH_REDIS_OPTIONS, ...options });
}
