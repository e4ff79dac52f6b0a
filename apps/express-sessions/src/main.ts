#!/usr/bin/env node
/**
 * An MCP server on Express, serving both protocol eras the way each
 * wants to be served. 2026-07-28 clients get the stateless handler (any instance
 * answers any request); 2025-11-25 clients get real sessions (Mcp-Session-Id, a GET stream,
 * resumable SSE), each bound to the principal that created it, in memory or shared through
 * Redis so several instances behind a load balancer carry each other's sessions on.
 */
import { createServer } from 'node:http';
import { loadConfigOrExit, logFormatFor, redactConfig } from '@mcp-runway/config';
import { serverModule } from '@mcp-runway/example-server';
import { applyServerLimits, installGracefulShutdown, trackInFlight } from '@mcp-runway/http/node';
import { createLogger } from '@mcp-runway/logging';
import { serveMetrics } from '@mcp-runway/metrics';
import { startTelemetry } from '@mcp-runway/metrics/otel';
import { closeRedis, connectRedis } from '@mcp-runway/redis';
import { createApp } from './app.js';
import { configSchema } from './config.js';

// 1. Configuration: validated once; a bad value (or a public bind without ALLOWED_HOSTS) stops here.
const config = loadConfigOrExit(configSchema);

// 2. Logger: JSON lines in production, to stderr, secrets redacted.
const logger = createLogger({
  name: 'mcp-runway-express-sessions',
  level: config.LOG_LEVEL,
  format: logFormatFor(config),
});

// 3. Shared state and traces: one Redis connection for the process (only with REDIS_URL),
//    shared by rate limits, session records and event streams; traces only when
//    OTEL_EXPORTER_OTLP_ENDPOINT is set.
const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, { logger }) : undefined;
const telemetry = await startTelemetry({ logger, serviceName: 'mcp-runway-express-sessions' });

// 4. The app (see app.ts): security, metrics, the MCP server on both lanes, the pipeline.
//    The MCP server comes from one place: swap `serverModule` for yours.
const { app, drain, sessions, metrics, close } = await createApp({
  config,
  logger,
  server: serverModule,
  redis,
});
const metricsServer = await serveMetrics({
  registry: metrics.registry,
  port: config.METRICS_PORT,
  host: config.METRICS_HOST,
  token: config.METRICS_TOKEN,
  allowedHosts: config.METRICS_ALLOWED_HOSTS, // any other Host gets 403 (DNS rebinding)
  logger,
});
logger.info({ url: metricsServer.url }, 'metrics listening');

// 5. Listen: Express is the request listener of a plain Node HTTP server.
const server = createServer(app);
// Timeouts, the connection cap, and a graceful close for requests refused before their body.
applyServerLimits(server, config, { logger });
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

// 6. Graceful shutdown: readiness 503 at once; session GET streams close (their clients
//    reconnect elsewhere) while calls in flight finish; then every session closes, exit 0.
//    Calls still running at SHUTDOWN_TIMEOUT_MS get a JSON-RPC error first (exit 1).
installGracefulShutdown({
  server,
  drain,
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onDrain: () => sessions.close(drain.deadline),
  onClosed: async () => {
    await close();
    await closeRedis(redis);
    await metricsServer.close();
    await telemetry.shutdown();
  },
});
