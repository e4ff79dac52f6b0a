/**
 * The HTTP pipeline in front of the MCP endpoint, in the order a request meets it.
 * Each middleware is a thin Hono adapter over a framework-neutral core in @mcp-runway/http.
 */
import {
  createHealth,
  type Drain,
  isLoopbackAddress,
  LOOPBACK_HOSTS,
  LOOPBACK_ORIGINS,
  type ReadinessCheck,
} from '@mcp-runway/http';
import {
  cors,
  drainGuard,
  errorHandler,
  hostOriginGuard,
  liveness,
  mcpPost,
  methodNotAllowed,
  notFound,
  type PipelineEnv,
  readiness,
  requestContext,
  securityHeaders,
} from '@mcp-runway/http/hono';
import type { Logger } from '@mcp-runway/logging';
import type { McpHttpHandler } from '@modelcontextprotocol/server';
import { Hono } from 'hono';
import type { Config } from './config.js';

export interface AppOptions {
  config: Pick<Config, 'HOST' | 'MCP_PATH' | 'ALLOWED_HOSTS' | 'ALLOWED_ORIGINS' | 'BODY_LIMIT'>;
  logger: Logger;
  /** The SDK's stateless MCP handler (`createMcpHandler`). */
  mcp: McpHttpHandler;
  drain: Drain;
  readinessChecks?: readonly ReadinessCheck[];
}

export function createApp({
  config,
  logger,
  mcp,
  drain,
  readinessChecks = [],
}: AppOptions): Hono<PipelineEnv> {
  // On loopback the allowlists default to localhost; elsewhere config requires ALLOWED_HOSTS.
  const local = isLoopbackAddress(config.HOST);
  const allowedHosts = config.ALLOWED_HOSTS.length
    ? config.ALLOWED_HOSTS
    : local
      ? LOOPBACK_HOSTS
      : [];
  const allowedOrigins = config.ALLOWED_ORIGINS.length
    ? config.ALLOWED_ORIGINS
    : local
      ? LOOPBACK_ORIGINS
      : [];
  const health = createHealth({ checks: readinessChecks, isDraining: () => drain.draining });

  const app = new Hono<PipelineEnv>();
  app.onError(errorHandler());
  app.notFound(notFound());

  // 1. Request id and the access log line (outermost, so it sees every outcome).
  app.use(requestContext(logger));
  // 2. Security headers on every response, errors included.
  app.use(securityHeaders());
  // 3. CORS: answer preflights, add allow/expose headers for allowed browser origins.
  app.use(cors({ allowedOrigins }));
  // 4. Host and Origin allowlists (DNS-rebinding protection); probes are exempt.
  app.use(hostOriginGuard({ allowedHosts, allowedOrigins }));

  // 5. Probes: liveness never depends on anything; readiness turns 503 while draining.
  app.get('/health', liveness(health));
  app.get('/ready', readiness(health));

  // 6. The MCP endpoint: refuse new work while draining, check and parse the body, then hand
  //    the parsed message to the SDK, which serves 2026-07-28 and 2025-11-25 statelessly.
  app.post(config.MCP_PATH, drainGuard(drain), mcpPost({ maxBodyBytes: config.BODY_LIMIT }), (c) =>
    mcp.fetch(c.req.raw, { parsedBody: c.var.mcp?.message }),
  );
  // A stateless endpoint has no GET stream and no session to DELETE: 405, not 404, so
  // clients (and the Inspector) know to carry on without them.
  app.all(config.MCP_PATH, methodNotAllowed(['POST']));

  return app;
}
