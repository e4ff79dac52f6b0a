/**
 * The 2025-11-25 session lane, built from the configuration. In memory by default;
 * with Redis the session records and the SSE event streams live there, so a session (and a
 * dropped stream) carries on at another instance behind the load balancer.
 */
import type { Logger } from '@mcp-runway/logging';
import type { McpMetrics } from '@mcp-runway/metrics';
import { RedisEventStores, RedisSessionStore, SessionRegistry } from '@mcp-runway/sessions';
import type { McpServer, ServerEventBus } from '@modelcontextprotocol/server';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';

export interface Sessions {
  registry: SessionRegistry;
  store: 'memory' | 'redis';
  /**
   * Drains the lane: new session requests get 503, GET streams close (their clients reconnect
   * elsewhere), requests in flight run until they end or `until` aborts (the shutdown's
   * deadline, after which the pipeline has answered them), then every session closes.
   * Without `until` they close at once. Records in Redis stay, so other instances carry the
   * sessions on.
   */
  close(until?: AbortSignal): Promise<void>;
}

export interface SessionsOptions {
  logger: Logger;
  /** Builds the McpServer of each session. */
  factory: () => McpServer;
  /** The process's one Redis connection; without it, sessions live in this process only. */
  redis?: Redis | undefined;
  /** The app's event bus: changes go out on the GET streams of the sessions they concern. */
  bus?: ServerEventBus | undefined;
  /** Session lifetimes (`mcp.server.session.duration`), from the registry's events. */
  metrics?: Pick<McpMetrics, 'sessionEvent'> | undefined;
  /** Prefix of the Redis keys (`<prefix>:sessions:*`, `<prefix>:events:*`). @default REDIS_KEY_PREFIX */
  keyPrefix?: string;
}

export function createSessions(
  config: Config,
  { logger, factory, redis, bus, metrics, keyPrefix = config.REDIS_KEY_PREFIX }: SessionsOptions,
): Sessions {
  const registry = new SessionRegistry({
    factory,
    idleTimeoutMs: config.SESSION_IDLE_TIMEOUT_MS,
    maxLifetimeMs: config.SESSION_MAX_LIFETIME_MS,
    maxSessions: config.SESSION_MAX,
    maxSessionsPerPrincipal: config.SESSION_MAX_PER_PRINCIPAL,
    dormantAfterMs: config.SESSION_DORMANT_AFTER_MS,
    maxInitializeBytes: config.SESSION_INITIALIZE_MAX_BYTES,
    maxBodyBytes: config.BODY_LIMIT,
    // Both undefined without Redis: the registry's in-memory defaults.
    store: redis && new RedisSessionStore({ redis, keyPrefix: `${keyPrefix}:sessions` }),
    eventStores: redis && new RedisEventStores({ redis, keyPrefix: `${keyPrefix}:events` }),
    bus,
    logger,
    onEvent: (event) => {
      logger.debug({ session: event }, 'session event');
      metrics?.sessionEvent(event);
    },
  });
  return {
    registry,
    store: redis ? 'redis' : 'memory',
    close: (until) => registry.closeAll(until ? { until } : {}),
  };
}
