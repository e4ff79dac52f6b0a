/**
 * The app as a whole, minus the process (main.ts listens and handles signals): security,
 * metrics, the MCP server served two ways (the stateless 2026-07-28 lane and 2025 sessions),
 * and the production pipeline in front of both. Tests build it the same way with a fixture
 * server in place of the real one.
 */
import type { ServerModule } from '@mcp-runway/example-server';
import { createDrain, type Drain, pooledServerFactory } from '@mcp-runway/http';
import {
  type AuditDestination,
  type AuditLog,
  createAuditLog,
  type Logger,
} from '@mcp-runway/logging';
import { createMetrics, instrumentServer, type McpMetrics } from '@mcp-runway/metrics';
import { createSecurity, type Security } from '@mcp-runway/pipeline';
import { createPipeline } from '@mcp-runway/pipeline/express';
import { type ClosableEventBus, createEventBus, type GuardedRedis } from '@mcp-runway/redis';
import { createMcpHandler, type McpHttpHandler } from '@modelcontextprotocol/server';
import type { Express } from 'express';
import type { Config } from './config.js';
import { createSessions, type Sessions } from './sessions.js';

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** The MCP server to serve: `serverModule` from @mcp-runway/example-server, or yours. */
  server: ServerModule;
  /**
   * The process's one Redis connection (`connectRedis(REDIS_URL)`): limits, sessions and
   * events share it, and its one circuit breaker, shown in the metrics and in `/ready`.
   */
  redis?: GuardedRedis | undefined;
  /**
   * The audit trail (one record per tool call and per authentication decision). Defaults to
   * the one AUDIT_LOG names; tests pass their own.
   */
  audit?: AuditLog | undefined;
  /** Prefix of this app's session keys in Redis. @default REDIS_KEY_PREFIX */
  keyPrefix?: string;
}

export interface App {
  /** The Express app: the request listener of a Node HTTP server. */
  app: Express;
  drain: Drain;
  modern: McpHttpHandler;
  sessions: Sessions;
  /** Change notifications (over Redis with REDIS_URL): the MCP server publishes, both lanes deliver. */
  bus: ClosableEventBus;
  metrics: McpMetrics;
  security: Security;
  /** Closes the stateless handler and the limiter (sessions close on drain, see main.ts). */
  close(): Promise<void>;
}

export async function createApp({
  config,
  logger,
  server,
  redis,
  keyPrefix,
  audit = createAuditLog({ destination: config.AUDIT_LOG as AuditDestination }),
}: AppOptions): Promise<App> {
  // 3. Security: the authenticator (AUTH_MODE) with its limit on failed
  //    authentication, the rate limiter and the concurrency limiter.
  const security = await createSecurity(config, { logger, server, redis });

  // 4. The MCP server, served two ways. Both lanes build servers from the same factory.
  //    Every server is instrumented before its tools register (metrics).
  const metrics = createMetrics({ tools: server.toolNames });
  //    The event bus: a tool's change (`resource_updated`, `tools_list_changed`...) reaches
  //    every `subscriptions/listen` stream and every subscribed session's GET stream, on every
  //    instance when it runs over Redis (while Redis is away: on this instance only).
  const bus = createEventBus({
    redis,
    channel: `${keyPrefix ?? config.REDIS_KEY_PREFIX}:bus`,
    onError: (error) => {
      metrics.redisError('event_bus');
      logger.debug({ err: error }, 'event bus: delivered on this instance only');
    },
    onListenerError: (error) => logger.error({ err: error }, 'event bus listener failed'),
  });
  const factory = server.createServerFactory({
    logger,
    settings: config,
    decorate: (instance) => instrumentServer(instance, metrics, { logger, audit }),
    bus,
  });
  //    2026-07-28: stateless, on pooled server instances; 2025 traffic never reaches it.
  const modern = createMcpHandler(pooledServerFactory(factory), { legacy: 'reject', bus });
  //    2025-11-25: a bounded registry of sessions (in memory, or in Redis), each session's
  //    lifetime a sample of mcp.server.session.duration when it ends.
  const sessions = createSessions(config, {
    logger,
    factory,
    redis,
    bus,
    metrics,
    ...(keyPrefix && { keyPrefix }),
  });

  // 5. The HTTP pipeline (@mcp-runway/pipeline/express): request id, headers, CORS,
  //    Host/Origin, probes, then on the MCP endpoint: drain, auth, body checks, scopes, rate
  //    limit, and the lane split.
  const drain = createDrain();
  const app = createPipeline({
    config,
    logger,
    modern,
    toolPolicies: server.toolPolicies,
    sessions: sessions.registry,
    drain,
    security,
    metrics,
    audit,
    // An open circuit is shown in /ready as degraded, never as not ready: the instance still
    // serves (every instance shares the one Redis, so not-ready would take them all out).
    readinessDependencies: redis
      ? [{ name: 'redis', report: () => redis.circuit.readiness() }]
      : [],
  });
  metrics.watchSessions(sessions.registry, { max: config.SESSION_MAX });
  metrics.watchRateLimiter(security.limiter);
  if (security.authFailures) metrics.watchRateLimiter(security.authFailures);
  //    Redis's circuit breaker: after a few timeouts Redis calls fail fast, and limits,
  //    session records and events run on their fallbacks until a probe finds Redis again.
  if (redis) metrics.watchRedisCircuit(redis.circuit);
  metrics.watchReadiness(() => !drain.draining);

  return {
    app,
    drain,
    modern,
    sessions,
    bus,
    metrics,
    security,
    async close() {
      await modern.close();
      await bus.close();
      await security.close();
    },
  };
}
