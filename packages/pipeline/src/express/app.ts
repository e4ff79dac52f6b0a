/**
 * The HTTP pipeline in front of the MCP endpoint on Express, in the order a request meets it:
 * the Hono pipeline (../hono.ts), step for step, through the Express
 * adapters of the same cores. Only the end differs: the lane split (see lanes.ts).
 */
import { callerId, type ToolScopePolicies } from '@mcp-runway/auth';
import {
  type AuthLocals,
  auditAuth,
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
import type { AuditLog, Logger } from '@mcp-runway/logging';
import type { McpMetrics } from '@mcp-runway/metrics';
import { mcpMetrics, mcpTracing } from '@mcp-runway/metrics/express';
import { clientKey, heldKind } from '@mcp-runway/rate-limit';
import { concurrencyLimit, rateLimit } from '@mcp-runway/rate-limit/express';
import type { SessionRegistry } from '@mcp-runway/sessions';
import type { McpHttpHandler } from '@modelcontextprotocol/server';
import express, { type Express } from 'express';
import type { Security } from '../security.js';
import { type CallerKey, mcpLanes } from './lanes.js';

export type AppLocals = PipelineLocals & AuthLocals;
const pass: Handler<AppLocals> = (_req, _res, next) => next();

export interface PipelineOptions {
  config: Pick<
    HttpConfig,
    'HOST' | 'MCP_PATH' | 'ALLOWED_HOSTS' | 'ALLOWED_ORIGINS' | 'BODY_LIMIT'
  > &
    Partial<Pick<HttpConfig, 'BODY_READ_TIMEOUT_MS'>>;
  logger: Logger;
  /** The 2026-07-28 lane: the SDK's stateless handler, `createMcpHandler(..., { legacy: 'reject' })`. */
  modern: McpHttpHandler;
  /** The MCP server's tools and the scopes each needs (403 step-up before the call). */
  toolPolicies: ToolScopePolicies;
  /** The 2025-11-25 lane: sessions bound to the principal that created them. */
  sessions: SessionRegistry;
  drain: Drain;
  /** Authentication and rate limits. Without it the endpoint is open and unlimited. */
  security?: Security;
  /** Metrics. */
  metrics?: McpMetrics;
  /**
   * The audit trail: one record per request's authentication decision (accepted, or refused
   * with the reason). Tool-call records come from `instrumentServer` in the server factory.
   */
  audit?: AuditLog;
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
  audit,
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
  //    ...and the audit record of each request's authentication decision (early too).
  if (audit?.enabled) app.use(config.MCP_PATH, auditAuth(audit));
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

  // 7. The MCP endpoint, in the Hono app's order: refuse new work while draining; refuse a
  //    client address that failed authentication too often (429, before its credential is
  //    looked at), else authenticate (401 before the body is read, each refused credential
  //    counted; such refusals close the connection); check and parse the body (POST only; all of
  //    it within BODY_READ_TIMEOUT_MS, or 408); require the tool's scopes (403
  //    step-up); take a concurrent slot, a tool call or a stream such as a 2025 session's GET
  //    (429), held until the response closes; spend the caller's budget (429); then the lane
  //    split: 2025 traffic to the session registry, 2026-07-28 to the stateless handler.
  const failures = security?.authFailures && {
    limit: security.authFailures,
    key: (req: express.Request) =>
      clientKey({
        remoteAddress: req.socket.remoteAddress,
        forwardedFor: req.get('x-forwarded-for'),
        trustProxy: security.trustProxy,
      }),
  };
  const guard = [
    drainGuard(drain),
    auth ? authenticate<AppLocals>(auth.authenticator, failures ? { failures } : {}) : pass,
  ];
  // Who a request counts against: the verified principal, else the client address. The limits
  // count and spend under it; the session lane counts its sessions (SESSION_MAX_PER_PRINCIPAL).
  // Worked out once per request (the concurrency limit, the rate limit and the lanes all ask).
  const callers = new WeakMap<express.Request, string>();
  const caller: CallerKey = (req, res) => {
    let key = callers.get(req);
    if (key === undefined) {
      key = clientKey({
        principalId: callerId(res.locals.principal),
        remoteAddress: req.socket.remoteAddress,
        forwardedFor: req.get('x-forwarded-for'),
        trustProxy: security?.trustProxy ?? 0,
      });
      callers.set(req, key);
    }
    return key;
  };
  const limit = security
    ? [
        concurrencyLimit<AppLocals>({
          limiter: security.concurrency,
          key: caller,
          kind: (req, res) => heldKind(req.method, res.locals.mcp?.method),
        }),
        rateLimit<AppLocals>({
          limiter: security.limiter,
          key: caller,
          tool: (_req, res) =>
            res.locals.mcp?.method === 'tools/call' ? res.locals.mcp.toolName : undefined,
        }),
      ]
    : [pass];
  const lanes = mcpLanes({ sessions, modern, caller, drain });
  app.post(
    config.MCP_PATH,
    ...guard,
    mcpPost<AppLocals>({
      maxBodyBytes: config.BODY_LIMIT,
      bodyTimeoutMs: config.BODY_READ_TIMEOUT_MS,
    }),
    // The request's trace span, a child of the caller's traceparent (free unless tracing is on).
    metrics ? mcpTracing(metrics) : pass,
    auth ? requireToolScopes<AppLocals>(toolPolicies, auth.challenge) : pass,
    ...limit,
    lanes,
  );
  // GET (the session's notification stream, or a resume) and DELETE (end the session):
  // no body, so no body checks and no tool.
  app.get(config.MCP_PATH, ...guard, ...limit, lanes);
  app.delete(config.MCP_PATH, ...guard, ...limit, lanes);
  app.all(config.MCP_PATH, methodNotAllowed(['GET', 'POST', 'DELETE']));

  // 8. Anything else is a 404; every error becomes a JSON-RPC error body with its status.
  app.use(notFound());
  app.use(errorHandler());
  return app;
}
