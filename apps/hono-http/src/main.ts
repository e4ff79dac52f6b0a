#!/usr/bin/env node
import type { Server } from 'node:http';
/**
 * Workshop step 2: the example server over Streamable HTTP, stateless, both protocol eras.
 *
 * One POST endpoint serves 2026-07-28 clients (every request self-contained) and 2025-11-25
 * clients (initialize, then requests, each served by a fresh server instance). No session
 * state lives in the process, so instances scale out behind any load balancer.
 */
import { serve } from '@hono/node-server';
import { loadConfigOrExit, logFormatFor, redactConfig } from '@mcp-runway/config';
import { createServerFactory, tools } from '@mcp-runway/example-server';
import { createDrain, pooledServerFactory } from '@mcp-runway/http';
import { installGracefulShutdown, trackInFlight } from '@mcp-runway/http/node';
import { createLogger } from '@mcp-runway/logging';
import { createMetrics, instrumentServer, serveMetrics } from '@mcp-runway/metrics';
import { startTracing } from '@mcp-runway/metrics/otel';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { createApp } from './app.js';
import { configSchema } from './config.js';
import { createSecurity } from './security.js';

// 1. Configuration: validated once; a bad value (or a public bind without ALLOWED_HOSTS) stops here.
const config = loadConfigOrExit(configSchema);

// 2. Logger: JSON lines in production, to stderr, secrets redacted.
const logger = createLogger({
  name: 'mcp-runway-http',
  level: config.LOG_LEVEL,
  format: logFormatFor(config),
});

// 3. Security: the authenticator (AUTH_MODE) and the rate limiter (in memory, or Redis).
const security = await createSecurity(config, logger);

// 4. Observability: traces (only when OTEL_EXPORTER_OTLP_ENDPOINT is set) and metrics.
const tracing = await startTracing({ logger, serviceName: 'mcp-runway-http' });
const metrics = createMetrics({ tools: tools.map((tool) => tool.name) });
metrics.watchRateLimiter(security.limiter);

// 5. The MCP server: the shared example, behind the SDK's stateless handler for both eras.
//    Every server is instrumented before its tools register (tool calls timed and counted);
//    2026-07-28 requests reuse pooled server instances instead of building one each time.
const factory = createServerFactory({
  logger,
  reportStepMs: config.REPORT_STEP_MS,
  decorate: (server) => instrumentServer(server, metrics, { logger }),
});
const mcp = createMcpHandler(pooledServerFactory(factory), { legacy: 'stateless' });

// 6. The HTTP pipeline (see app.ts): request id, headers, CORS, Host/Origin, probes,
//    then on the MCP endpoint: drain, auth, body checks, scopes, rate limit.
const drain = createDrain();
const app = createApp({ config, logger, mcp, drain, security, metrics });
metrics.watchReadiness(() => !drain.draining);

// 7. Listen: /metrics first, on its own port (METRICS_PORT), never on the MCP one; then MCP.
const metricsServer = await serveMetrics({
  registry: metrics.registry,
  port: config.METRICS_PORT,
  host: config.METRICS_HOST,
  token: config.METRICS_TOKEN,
  logger,
});
logger.info({ url: metricsServer.url }, 'metrics listening');
const server = serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT }, (address) => {
  logger.info(
    { address, mcpPath: config.MCP_PATH, config: redactConfig(configSchema, config) },
    'listening',
  );
}) as Server;
trackInFlight(server, drain);

// 8. Graceful shutdown: readiness 503 at once, in-flight calls finish, then exit 0.
installGracefulShutdown({
  server,
  drain,
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onClosed: async () => {
    await mcp.close();
    await security.close();
    await metricsServer.close();
    await tracing.shutdown();
  },
});
