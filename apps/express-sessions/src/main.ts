#!/usr/bin/env node
/**
 * Workshop step 4: the example server on Express, serving both protocol eras the way each
 * wants to be served. 2026-07-28 clients get the stateless handler of step 2 (any instance
 * answers any request); 2025-11-25 clients get real sessions (Mcp-Session-Id, a GET stream,
 * resumable SSE), each bound to the principal that created it, in memory or shared through
 * Redis so several instances behind a load balancer carry each other's sessions on.
 */
import { createServer } from 'node:http';
import { loadConfigOrExit, logFormatFor, redactConfig } from '@mcp-runway/config';
import { createServerFactory, tools } from '@mcp-runway/example-server';
import { createSecurity } from '@mcp-runway/hono-http/security';
import { createDrain, pooledServerFactory } from '@mcp-runway/http';
import { installGracefulShutdown, trackInFlight } from '@mcp-runway/http/node';
import { createLogger } from '@mcp-runway/logging';
import { createMetrics, instrumentServer, serveMetrics } from '@mcp-runway/metrics';
import { startTracing } from '@mcp-runway/metrics/otel';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { createApp } from './app.js';
import { configSchema } from './config.js';
import { createSessions } from './sessions.js';

// 1. Configuration: validated once; a bad value (or a public bind without ALLOWED_HOSTS) stops here.
const config = loadConfigOrExit(configSchema);

// 2. Logger: JSON lines in production, to stderr, secrets redacted.
const logger = createLogger({
  name: 'mcp-runway-express-sessions',
  level: config.LOG_LEVEL,
  format: logFormatFor(config),
});

// 3. Security (step 3): the authenticator (AUTH_MODE) and the rate limiter (memory or Redis).
const security = await createSecurity(config, logger);

// 4. The MCP server, defined once and served two ways. Both lanes build servers from the same
//    factory, so they share one ticket store.
//    Every server is instrumented before its tools register (step 5: tool calls timed and counted).
const tracing = await startTracing({ logger, serviceName: 'mcp-runway-express-sessions' });
const metrics = createMetrics({ tools: tools.map((tool) => tool.name) });
const factory = createServerFactory({
  logger,
  reportStepMs: config.REPORT_STEP_MS,
  decorate: (server) => instrumentServer(server, metrics, { logger }),
});
//    2026-07-28: stateless, on pooled server instances; 2025 traffic never reaches it.
const modern = createMcpHandler(pooledServerFactory(factory), { legacy: 'reject' });
//    2025-11-25: a bounded registry of sessions (in memory, or in Redis with REDIS_URL).
const sessions = await createSessions(config, logger, factory);

// 5. The HTTP pipeline (see app.ts): request id, headers, CORS, Host/Origin, probes, then on
//    the MCP endpoint: drain, auth, body checks, scopes, rate limit, and the lane split.
const drain = createDrain();
const app = createApp({
  config,
  logger,
  modern,
  sessions: sessions.registry,
  drain,
  security,
  metrics,
});
metrics.watchSessions(sessions.registry, { max: config.SESSION_MAX });
metrics.watchRateLimiter(security.limiter);
metrics.watchReadiness(() => !drain.draining);
const metricsServer = await serveMetrics({
  registry: metrics.registry,
  port: config.METRICS_PORT,
  host: config.METRICS_HOST,
  token: config.METRICS_TOKEN,
  logger,
});
logger.info({ url: metricsServer.url }, 'metrics listening');

// 6. Listen: Express is the request listener of a plain Node HTTP server.
const server = createServer(app);
trackInFlight(server, drain);
server.listen(config.PORT, config.HOST, () => {
  logger.info(
    {
      address: server.address(),
      mcpPath: config.MCP_PATH,
      sessionStore: sessions.store,
      config: redactConfig(configSchema, config),
    },
    'listening',
  );
});

// 7. Graceful shutdown: readiness 503 at once; session GET streams close (their clients
//    reconnect elsewhere) while calls in flight finish; then every session closes, exit 0.
installGracefulShutdown({
  server,
  drain,
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onDrain: () => sessions.close(config.SHUTDOWN_TIMEOUT_MS),
  onClosed: async () => {
    await modern.close();
    await security.close();
    await metricsServer.close();
    await tracing.shutdown();
  },
});
