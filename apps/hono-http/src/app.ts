/**
 * The app as a whole, minus the process (main.ts listens and handles signals): security,
 * metrics, the MCP server behind the SDK's stateless handler, and the production pipeline in
 * front of it. Tests build it the same way with a fixture server in place of the real one.
 */
import {
  type AuthorizationServer,
  createAuthorizationServerFromConfig,
} from '@mcp-runway/authorization-server';
import { mountAuthorizationServer } from '@mcp-runway/authorization-server/hono';
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
import { type AppEnv, createPipeline } from '@mcp-runway/pipeline/hono';
import { type ClosableEventBus, createEventBus, type GuardedRedis } from '@mcp-runway/redis';
import { createMcpHandler, type McpHttpHandler } from '@modelcontextprotocol/server';
import type { Hono } from 'hono';
import type { Config } from './config.js';

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** The MCP server to serve: `serverModule` from @mcp-runway/example-server, or yours. */
  server: ServerModule;
  /**
   * The process's one Redis connection (`connectRedis(REDIS_URL)`); rate limits are shared
   * through it, and its circuit breaker shows in the metrics and in `/ready`.
   */
  redis?: GuardedRedis | undefined;
  /**
   * The audit trail (one record per tool call and per authentication decision). Defaults to
   * the one AUDIT_LOG names; tests pass their own.
   */
  audit?: AuditLog | undefined;
}

export interface App {
  /** The Hono app: hand `app.fetch` to a server (main.ts), or call `app.request()` in a test. */
  app: Hono<AppEnv>;
  drain: Drain;
  mcp: McpHttpHandler;
  /** Change notifications (over Redis with REDIS_URL): the MCP server publishes to it. */
  bus: ClosableEventBus;
  metrics: McpMetrics;
  security: Security;
  /** OAUTH_SERVER=builtin: the authorization server on this origin (`/oauth/*`). */
  authorizationServer: AuthorizationServer | undefined;
  /** Closes the handler and the limiter (the caller closes Redis and the listeners). */
  close(): Promise<void>;
}

export async function createApp({
  config,
  logger,
  server,
  redis,
  audit = createAuditLog({ destination: config.AUDIT_LOG as AuditDestination }),
}: AppOptions): Promise<App> {
  // 2. With AUTH_MODE=oauth and OAUTH_SERVER=builtin, this server is its own authorization
  //    server (@mcp-runway/authorization-server): MCP hosts register (CIMD or DCR) and people
  //    log in at the company identity provider (UPSTREAM_ISSUER). Otherwise undefined.
  //    Its state (sessions, codes, grants, clients) is shared through Redis when REDIS_URL is set.
  const authorizationServer = await createAuthorizationServerFromConfig(config, {
    logger,
    redis,
    resourceName: server.info.name,
    toolPolicies: server.toolPolicies,
  });

  // 3. Security: the authenticator (AUTH_MODE) with its limit on failed authentication, the
  //    rate limiter (in memory, or Redis) and the concurrency limiter. The built-in
  //    authorization server's tokens are verified like any issuer's, with its public keys.
  const security = await createSecurity(config, { logger, server, redis, authorizationServer });

  // 4. Metrics: request and tool-call metrics, bounded to the server's own tool names.
  const metrics = createMetrics({ tools: server.toolNames });
  metrics.watchRateLimiter(security.limiter);
  if (security.authFailures) metrics.watchRateLimiter(security.authFailures);
  //    Redis's circuit breaker: after a few timeouts Redis calls fail fast and limits fall
  //    back to per-instance budgets until a probe finds Redis answering again.
  if (redis) metrics.watchRedisCircuit(redis.circuit);

  //    The event bus: a tool's change (`resource_updated`, `tools_list_changed`...) reaches
  //    every open `subscriptions/listen` stream, on every instance when it runs over Redis.
  const bus = createEventBus({
    redis,
    channel: `${config.REDIS_KEY_PREFIX}:bus`,
    onError: (error) => {
      metrics.redisError('event_bus');
      logger.debug({ err: error }, 'event bus: delivered on this instance only');
    },
    onListenerError: (error) => logger.error({ err: error }, 'event bus listener failed'),
  });

  // 5. The MCP server behind the SDK's stateless handler, for both eras. Every server is
  //    instrumented before its tools register (tool calls timed and counted); 2026-07-28
  //    requests reuse pooled server instances instead of building one each time.
  const factory = server.createServerFactory({
    logger,
    settings: config,
    decorate: (instance) => instrumentServer(instance, metrics, { logger, audit }),
    bus,
  });
  const mcp = createMcpHandler(pooledServerFactory(factory), { legacy: 'stateless', bus });

  // 6. The HTTP pipeline (@mcp-runway/pipeline/hono): request id, headers, CORS, Host/Origin,
  //    probes, then on the MCP endpoint: drain, auth, body checks, scopes, rate limit.
  const drain = createDrain();
  const app = createPipeline({
    config,
    logger,
    mcp,
    toolPolicies: server.toolPolicies,
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
  metrics.watchReadiness(() => !drain.draining);
  // 7. The built-in authorization server's endpoints and pages, on the same origin, behind
  //    the same request log and Host/Origin checks.
  if (authorizationServer) mountAuthorizationServer(app, authorizationServer);

  return {
    app,
    drain,
    mcp,
    bus,
    metrics,
    security,
    authorizationServer,
    async close() {
      authorizationServer?.close();
      await mcp.close();
      await bus.close();
      await security.close();
    },
  };
}
