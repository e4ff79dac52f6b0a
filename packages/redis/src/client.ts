/**
 * The one place a Redis client is made. Every package that keeps shared state (rate limits,
 * session records, event streams) takes a client from here, and an app opens one connection
 * per process and hands it to each of them.
 */
import type { Logger } from '@mcp-runway/logging';
import { Redis, type RedisOptions } from 'ioredis';

/** ioredis options minus RESP3 `replyMapping`, which would change the replies our stores read. */
export type RedisClientOptions = Omit<RedisOptions, 'replyMapping'>;

/**
 * ioredis settings for a client on the request path. ioredis's defaults suit a worker that
 * may wait; a request must not: by default a command issued while Redis is down waits in a
 * queue until Redis returns, and so would every request.
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
 * A client with {@link REQUEST_PATH_REDIS_OPTIONS} (`redis://[:password@]host:port[/db]`,
 * `rediss://` for TLS). Not for blocking commands (`XREAD BLOCK`): the command timeout would
 * cut them off; give those a client of their own.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  return new Redis(url, { ...REQUEST_PATH_REDIS_OPTIONS, ...options });
}

export interface ConnectRedisOptions {
  logger: Pick<Logger, 'warn' | 'debug'>;
  /** How long startup waits for the first connection before going on without it. @default 2000 */
  waitMs?: number;
  client?: RedisClientOptions;
}

/**
 * Connects at startup, waiting briefly, so the first requests already share state. If Redis is
 * not there yet the app starts anyway: each user of the client falls back (per-instance limits,
 * 503 for new sessions) and recovers by itself once Redis answers.
 */
export async function connectRedis(url: string, options: ConnectRedisOptions): Promise<Redis> {
  const { logger, waitMs = 2_000 } = options;
  const redis = createRedisClient(url, options.client);
  // ioredis reports every failed reconnect; the users of the client report outages once.
  redis.on('error', (error) => logger.debug({ err: error }, 'redis error'));
  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => redis.once('ready', () => resolve(true))),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), waitMs);
    }),
  ]);
  clearTimeout(timer);
  if (!ready) logger.warn('Redis is not reachable yet: shared state falls back until it is');
  return redis;
}

/** Closes a client politely (QUIT), or at once if Redis does not answer. */
export async function closeRedis(redis: Redis | undefined): Promise<void> {
  await redis?.quit().catch(() => redis.disconnect());
}

/**
 * A client given by the caller (who closes it), or one made here from a URL (which the
 * receiver owns and must close). Stores and limiters accept either.
 */
export function resolveRedis(redis: Redis | string): { client: Redis; owned: boolean } {
  if (typeof redis !== 'string') return { client: redis, owned: false };
  const client = createRedisClient(redis);
  // ioredis reports connection errors as 'error' events; the owners see failed commands.
  client.on('error', () => {});
  return { client, owned: true };
}
