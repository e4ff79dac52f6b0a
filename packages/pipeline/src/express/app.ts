/**
 * The HTTP pipeline in front of the MCP endpoint on Express, in the order a request meets it:
 * the Hono pipeline (steps 2, 3 and 5, see ../hono.ts), step for step, through the Express
 * adapters of the same cores. Only the end differs: the lane split of step 4 (see lanes.ts).
 */
import { callerId, type ToolScopePolicies } from '@mcp-runway/auth';
import {
  type AuthLocals,
  authenticate,
  protectedResourceMetadataHandler,
  requireToolScopes,
} from '@mcp-runway/auth/express';
import {
  allowlistsFor,
  createHealth,
  type DegradableDependency,
  type Drain,
  type HttpConfig,
  type ReadinessCheck,
} from '@mcp-runway/http';
import {
  cors,
  drainGuard,
  errorHandler,
  type Handler,
  hostOriginGuard,
  liveness,
  mcpPost,
  methodNotAllowed,
  notFound,
  type PipelineLocals,
  readiness,
  requestContext,
  securityHeaders,
} from '@mcp-runway/http/express';
import type { Logger } from '@mcp-runway/logging';
import type { McpMetrics } from '@mcp-runway/metrics';
import { mcpMetrics, mcpTracing } from '@mcp-runway/metrics/express';
import { clientKey } from '@mcp-runway/rate-limit';
import { rateLimit } from '@mcp-runway/rate-limit/express';
import type { SessionRegistry } from '@mcp-runway/sessions';
import type { McpHttpHandler } from '@modelcontextprotocol/server';
import express, { type Express } from 'express';
import type { Security } from '../security.js';
import { mcpLanes } from './lanes.js';

export type AppLocals = PipelineLocals & AuthLocals;
const pass: Handler<AppLocals> = (_req, _res, next) => next();

export interface PipelineOptions {
  config: Pick<
    HttpConfig,
    'HOST' | 'MCP_PATH' | 'ALLOWED_HOSTS' | 'ALLOWED_ORIGINS' | 'BODY_LIMIT'
  >;
  logger: Logger;
  /** The 2026-07-28 lane: the SDK's stateless handler, `createMcpHandler(..., { legacy: 'reject' })`. */
  modern: McpHttpHandler;
  /** The MCP server's tools and the scopes each needs (403 step-up before the call). */
  toolPolicies: ToolScopePolicies;
  /** The 2025-11-25 lane: sessions bound to the principal that created them. */
  sessions: SessionRegistry;
  drain: Drain;
  /** Authentication and rate limits (step 3). Without it the endpoint is open and unlimited. */
  security?: Security;
  /** Metrics (step 5). */
  metrics?: McpMetrics;
  readinessChecks?: readonly ReadinessCheck[];
  /**
   * Shown in `/ready`'s body, never failing it: the app serves on its fallbacks without them
   * (`{ name: 'redis', report: () => redis.circuit.readiness() }`).
   */
  readinessDependencies?: readonly DegradableDependency[];
}

export function createPipeline({
  config,
  logger,
  modern,
  toolPolicies,
  sessions,
  drain,
  security,
  metrics,
  readinessChecks = [],
  readinessDependencies = [],
}: PipelineOptions): Express {
  // On loopback the allowlists default to localhost; elsewhere config requires ALLOWED_HOSTS.
  const { allowedHosts, allowedOrigins } = allowlistsFor(config);
  const health = createHealth({
    checks: readinessChecks,
    dependencies: readinessDependencies,
    isDraining: () => drain.draining,
  });
  const auth = security?.auth;

  const app = express();
  // Routes match as Hono's do: `/MCP` and `/mcp/` are other paths (404), not the endpoint.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  // `trust proxy` stays off: clientKey decides how far X-Forwarded-For is believed (TRUST_PROXY).
  app.disable('x-powered-by');

  // 1. Request id and the access log line (first, so it sees every outcome).
  app.use(requestContext<AppLocals>(logger));
  //    ...and the MCP endpoint's metrics (method, era, outcome, auth and rate-limit refusals).
  if (metrics) app.use(config.MCP_PATH, mcpMetrics(metrics));
  // 2. Security headers on every response, errors included.
  app.use(securityHeaders());
  // 3. CORS: answer preflights, add allow/expose headers for allowed browser origins.
  app.use(cors({ allowedOrigins }));
  // 4. Host and Origin allowlists (DNS-rebinding protection); probes are exempt.
  app.use(hostOriginGuard({ allowedHosts, allowedOrigins }));

  // 5. Probes: liveness never depends on anything; readiness turns 503 while draining.
  app.get('/health', liveness(health));
  app.get('/ready', readiness(health));
  // 6. OAuth Protected Resource Metadata (RFC 9728), public like the probes.
  const metadata = auth?.metadata;
  for (const path of metadata?.paths ?? []) {
    if (metadata) app.get(path, protectedResourceMetadataHandler(metadata.document));
  }

  // 7. The MCP endpoint, in the Hono app's order: refuse new work while draining;
  //    authenticate (401 before the body is read); check and parse the body (POST only);
  //    require the tool's scopes (403 step-up); spend the caller's budget (429); then the
  //    lane split: 2025 traffic to the session registry, 2026-07-28 to the stateless handler.
  const guard = [drainGuard(drain), auth ? authenticate<AppLocals>(auth.authenticator) : pass];
  const limit = security
    ? rateLimit<AppLocals>({
        limiter: security.limiter,
        key: (req, res) =>
          clientKey({
            principalId: callerId(res.locals.principal),
            remoteAddress: req.socket.remoteAddress,
            forwardedFor: req.get('x-forwarded-for'),
            trustProxy: security.trustProxy,
          }),
        tool: (_req, res) =>
          res.locals.mcp?.method === 'tools/call' ? res.locals.mcp.toolName : undefined,
      })
    : pass;
  const lanes = mcpLanes({ sessions, modern });
  app.post(
    config.MCP_PATH,
    ...guard,
    mcpPost<AppLocals>({ maxBodyBytes: config.BODY_LIMIT }),
    // The request's trace span, a child of the caller's traceparent (free unless tracing is on).
    metrics ? mcpTracing(metrics) : pass,
    auth ? requireToolScopes<AppLocals>(toolPolicies, auth.challenge) : pass,
    limit,
    lanes,
  );
  // GET (the session's notification stream, or a resume) and DELETE (end the session):
  // no body, so no body checks and no tool.
  app.get(config.MCP_PATH, ...guard, limit, lanes);
  app.delete(config.MCP_PATH, ...guard, limit, lanes);
  app.all(config.MCP_PATH, methodNotAllowed(['GET', 'POST', 'DELETE']));

  // 8. Anything else is a 404; every error becomes a JSON-RPC error body with its status.
  app.use(notFound());
  app.use(errorHandler());
  return app;
}
