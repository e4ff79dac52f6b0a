#!/usr/bin/env node
import type { Server } from 'node:http';
/**
 * An MCP server over Streamable HTTP, stateless, both protocol eras.
 *
 * One POST endpoint serves 2026-07-28 clients (every request self-contained) and 2025-11-25
 * clients (initialize, then requests, each served by a fresh server instance). No session
 * state lives in the process, so instances scale out behind any load balancer.
 */
import { serve } from '@hono/node-server';
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
  name: 'mcp-runway-http',
  level: config.LOG_LEVEL,
  format: logFormatFor(config),
});

// 3. Shared state and traces: one Redis connection for the process (only with REDIS_URL),
//    traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, { logger }) : undefined;
const telemetry = await startTelemetry({ logger, serviceName: 'mcp-runway-http' });

// 4. The app (see app.ts): security, metrics, the MCP server, the pipeline in front of it.
//    The MCP server comes from one place: swap `serverModule` for yours.
const { app, drain, metrics, close } = await createApp({
  config,
  logger,
  server: serverModule,
  redis,
});

// 5. Listen: /metrics first, on its own port (METRICS_PORT), never on the MCP one; then MCP.
const metricsServer = await serveMetrics({
  registry: metrics.registry,
  port: config.METRICS_PORT,
  host: config.METRICS_HOST,
  token: config.METRICS_TOKEN,
  allowedHosts: config.METRICS_ALLOWED_HOSTS, // any other Host gets 403 (DNS rebinding)
  logger,
});
logger.info({ url: metricsServer.url }, 'metrics listening');
const server = serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT }, (address) => {
  logger.info(
    { address, mcpPath: config.MCP_PATH, config: redactConfig(configSchema, config) },
    'listening',
  );
}) as Server;
// Timeouts, the connection cap, and a graceful close for requests refused before their body.
applyServerLimits(server, config, { logger });
trackInFlight(server, drain);

// 6. Graceful shutdown: readiness 503 at once, in-flight calls finish, then exit 0. Calls
//    still running at SHUTDOWN_TIMEOUT_MS get a JSON-RPC error first (exit 1).
installGracefulShutdown({
  server,
  drain,
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onClosed: async () => {
    await close();
    await closeRedis(redis);
    await metricsServer.close();
    await telemetry.shutdown();
  },
});
