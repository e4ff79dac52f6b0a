/**
 * Step 4: the 2025-11-25 session lane, built from the configuration. In memory by default;
 * with REDIS_URL the session records and the SSE event streams live in Redis, so a session
 * (and a dropped stream) carries on at another instance behind the load balancer.
 */
import type { Logger } from '@mcp-runway/logging';
import {
  createRedisClient,
  RedisEventStores,
  RedisSessionStore,
  SessionRegistry,
} from '@mcp-runway/sessions';
import type { McpServer } from '@modelcontextprotocol/server';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';

export interface Sessions {
  registry: SessionRegistry;
  store: 'memory' | 'redis';
  /**
   * Drains the lane: new session requests get 503, GET streams close (their clients reconnect
   * elsewhere), requests in flight get `graceMs`, then every session closes. Records in Redis
   * stay, so other instances carry the sessions on. Then the Redis connection closes.
   */
  close(graceMs?: number): Promise<void>;
}

export interface SessionsOptions {
  /** Prefix of the Redis keys (`<prefix>:sessions:*`, `<prefix>:events:*`). @default 'mcp-runway' */
  keyPrefix?: string;
}

/** Waits (briefly) for Redis, so the first initialize is not refused while it connects. */
async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = createRedisClient(url);
  // ioredis reports every failed reconnect; refused requests (503) already tell the client.
  redis.on('error', (error) => logger.debug({ err: error }, 'sessions: redis error'));
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => redis.once('ready', () => resolve(true))),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000).unref()),
  ]);
  if (!ready) logger.warn('Redis is not reachable yet: new sessions get 503 until it is');
  return redis;
}

export async function createSessions(
  config: Config,
  logger: Logger,
  factory: () => McpServer,
  options: SessionsOptions = {},
): Promise<Sessions> {
  const prefix = options.keyPrefix ?? 'mcp-runway';
  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, logger) : undefined;
  const registry = new SessionRegistry({
    factory,
    idleTimeoutMs: config.SESSION_IDLE_TIMEOUT_MS,
    maxLifetimeMs: config.SESSION_MAX_LIFETIME_MS,
    maxSessions: config.SESSION_MAX,
    dormantAfterMs: config.SESSION_DORMANT_AFTER_MS,
    maxBodyBytes: config.BODY_LIMIT,
    // Both undefined without Redis: the registry's in-memory defaults.
    store: redis && new RedisSessionStore({ redis, keyPrefix: `${prefix}:sessions` }),
    eventStores: redis && new RedisEventStores({ redis, keyPrefix: `${prefix}:events` }),
    logger,
    onEvent: (event) => logger.debug({ session: event }, 'session event'),
  });
  return {
    registry,
    store: redis ? 'redis' : 'memory',
    async close(graceMs = 0) {
      await registry.closeAll({ graceMs });
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
