/**
 * The HTTP pipeline in front of the MCP endpoint on Hono, in the order a request meets it
 * (HTTP, auth and limits, observability). Each middleware is a thin Hono adapter over a framework-neutral
 * core (@mcp-runway/http, /auth, /rate-limit, /metrics). The stateless lane: apps/hono-http,
 * apps/lambda, apps/cloudflare-workers, apps/vercel and the conformance server all run this one
 * composition.
 */

import { getConnInfo } from '@hono/node-server/conninfo';
import { type AuthInfo, callerId, type ToolScopePolicies } from '@mcp-runway/auth';
import {
  type AuthEnv,
  auditAuth,
  authenticate,
  protectedResourceMetadataHandler,
  requireToolScopes,
} from '@mcp-runway/auth/hono';
import {
  allowlistsFor,
  answerByDeadline,
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
import type { AuditLog, Logger } from '@mcp-runway/logging';
import type { McpMetrics } from '@mcp-runway/metrics';
import { mcpMetrics, mcpTracing } from '@mcp-runway/metrics/hono';
import { clientKey, heldKind } from '@mcp-runway/rate-limit';
import { concurrencyLimit, rateLimit } from '@mcp-runway/rate-limit/hono';
import type { McpHttpHandler } from '@modelcontextprotocol/server';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { Security } from './security.js';

export type AppEnv = PipelineEnv & AuthEnv;
const pass: MiddlewareHandler = (_c, next) => next();

export interface PipelineOptions {
  config: Pick<
    HttpConfig,
    'HOST' | 'MCP_PATH' | 'ALLOWED_HOSTS' | 'ALLOWED_ORIGINS' | 'BODY_LIMIT'
  > &
    Partial<Pick<HttpConfig, 'BODY_READ_TIMEOUT_MS'>>;
  logger: Logger;
  /** The SDK's stateless MCP handler (`createMcpHandler`). */
  mcp: McpHttpHandler;
  /** The MCP server's tools and the scopes each needs (403 step-up before the call). */
  toolPolicies: ToolScopePolicies;
  drain: Drain;
  /** Authentication and rate limits. Without it the endpoint is open and unlimited. */
  security?: Security;
  /** Metrics and traces. */
  metrics?: McpMetrics;
  /**
   * The audit trail: one record per request's authentication decision (accepted, or refused
   * with the reason). Tool-call records come from `instrumentServer` in the server factory.
   */
  audit?: AuditLog;
  /**
   * The caller's address, for anonymous rate-limit keys. Defaults to the socket's peer
   * (@hono/node-server); a runtime without sockets (Lambda) supplies its own.
   */
  clientAddress?: (c: Context<AppEnv>) => string | undefined;
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
  mcp,
  toolPolicies,
  drain,
  security,
  metrics,
  audit,
  clientAddress = (c) => getConnInfo(c).remote.address,
  readinessChecks = [],
  readinessDependencies = [],
}: PipelineOptions): Hono<AppEnv> {
  // On loopback the allowlists default to localhost; elsewhere config requires ALLOWED_HOSTS.
  const { allowedHosts, allowedOrigins } = allowlistsFor(config);
  const health = createHealth({
    checks: readinessChecks,
    dependencies: readinessDependencies,
    isDraining: () => drain.draining,
  });

  const auth = security?.auth;
  // Whose budget a request spends: the verified principal, else the client address. Worked
  // out once per request (the concurrency limit and the rate limit both ask).
  const keys = new WeakMap<Context<AppEnv>, string>();
  const rateLimitKey = (c: Context<AppEnv>) => {
    let key = keys.get(c);
    if (key === undefined) {
      key = clientKey({
        principalId: callerId(c.get('principal')),
        remoteAddress: clientAddress(c),
        forwardedFor: c.req.header('x-forwarded-for'),
        trustProxy: security?.trustProxy ?? 0,
      });
      keys.set(c, key);
    }
    return key;
  };
  // Whose failed authentications a request counts toward: always its client address.
  const failures = security?.authFailures && {
    limit: security.authFailures,
    key: (c: Context) =>
      clientKey({
        remoteAddress: clientAddress(c),
        forwardedFor: c.req.header('x-forwarded-for'),
        trustProxy: security.trustProxy,
      }),
  };

  const app = new Hono<AppEnv>();
  app.onError(errorHandler());
  app.notFound(notFound());

  // 1. Request id and the access log line (outermost, so it sees every outcome).
  app.use(requestContext(logger));
  //    ...and the MCP endpoint's metrics: duration, method, era, outcome, auth and rate-limit
  //    refusals (mounted early, so it sees every refusal).
  if (metrics) app.use(config.MCP_PATH, mcpMetrics<AppEnv>(metrics));
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
  // 6. OAuth Protected Resource Metadata (RFC 9728): where a client that got a 401 finds the
  //    authorization server. Public, like the probes.
  const metadata = auth?.metadata;
  for (const path of metadata?.paths ?? []) {
    if (metadata) app.get(path, protectedResourceMetadataHandler(metadata.document));
  }

  // 7. The MCP endpoint, in order:
  //    refuse new work while draining; refuse a client address that failed authentication
  //    too often (429, before its credential is looked at), else authenticate (401 before the
  //    body is read, each refused credential counted; such refusals close the connection); check
  //    and parse the body, which must all arrive within BODY_READ_TIMEOUT_MS (408); require the
  //    tool's scopes (403 step-up); take one of the caller's concurrent slots, a tool call or
  //    a stream (429), held until the response ends; spend the caller's rate-limit budget
  //    (429); then hand the parsed message and the verified caller to the SDK, which serves
  //    2026-07-28 and 2025-11-25 statelessly. The slot comes before the budget so that a call
  //    refused for either spends nothing.
  app.post(
    config.MCP_PATH,
    drainGuard(drain),
    auth ? authenticate(auth.authenticator, failures ? { failures } : {}) : pass,
    mcpPost({ maxBodyBytes: config.BODY_LIMIT, bodyTimeoutMs: config.BODY_READ_TIMEOUT_MS }),
    // The request's trace span, a child of the caller's traceparent (free unless tracing is on).
    metrics ? mcpTracing<AppEnv>(metrics) : pass,
    auth ? requireToolScopes(toolPolicies, auth.challenge) : pass,
    security
      ? concurrencyLimit<AppEnv>({
          limiter: security.concurrency,
          key: rateLimitKey,
          kind: (c) => heldKind(c.req.method, c.get('mcp')?.method),
        })
      : pass,
    security
      ? rateLimit<AppEnv>({
          limiter: security.limiter,
          key: rateLimitKey,
          tool: (c) => {
            const mcp = c.get('mcp');
            return mcp?.method === 'tools/call' ? mcp.toolName : undefined;
          },
        })
      : pass,
    (c) => {
      const authInfo = c.get('authInfo') as AuthInfo | undefined;
      const answer = mcp.fetch(c.req.raw, {
        parsedBody: c.get('mcp')?.message,
        ...(authInfo && { authInfo }),
      });
      // Still running at the shutdown deadline: a JSON-RPC error, not a cut connection.
      return answerByDeadline(answer, c.get('mcp')?.id, drain);
    },
  );
  // 8. A stateless endpoint has no GET stream and no session to DELETE: 405, not 404, so
  // clients (and the Inspector) know to carry on without them.
  app.all(config.MCP_PATH, methodNotAllowed(['POST']));

  return app;
}
