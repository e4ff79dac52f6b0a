/**
 * Hono adapters. They only translate: read the context, call the recorder or the span helpers.
 *
 * ```ts
 * app.use(requestContext(logger));
 * app.use(config.MCP_PATH, mcpMetrics(metrics));      // early: it must see every refusal
 * app.post(config.MCP_PATH, drainGuard(drain), authenticate(...), mcpPost(...),
 *   mcpTracing(metrics),                              // after mcpPost: it needs the message
 *   requireToolScopes(...), rateLimit(...), handler);
 * ```
 *
 * Variables are read with `c.get()`: Hono's `c.var` getter builds a new object of every
 * variable on each access.
 */
import { context } from '@opentelemetry/api';
import type { Context, MiddlewareHandler } from 'hono';
import type { Registry } from 'prom-client';
import { authFailureReason, isRateLimited, rateLimitScope } from '../classify.js';
import { bearerTokenCheck, metricsAnswer } from '../endpoint.js';
import type { RateLimitScope } from '../labels.js';
import type { McpMetrics } from '../metrics.js';
import { endMcpRequestSpan } from '../otel/spans.js';
import { tracingEnabled } from '../otel/tracer.js';
import { bindRequestId } from '../request-context.js';
import {
  type McpFacts,
  nodeConnection,
  protocolVersionOf,
  startRequestSpan,
} from '../request-span.js';

export type { McpFacts };
export type McpMetricsEnv = {
  Variables: { mcp?: McpFacts | undefined; requestId?: string | undefined };
};

export interface McpMetricsOptions {
  /**
   * Which budget refused a 429 whose error names no limit. Concurrency and failed-auth
   * refusals name theirs; the budget's do not say which budget, so this defaults to
   * `global`, which is right unless `toolLimits` are configured.
   */
  rateLimitScope?: (c: Context<McpMetricsEnv>) => RateLimitScope;
}

/**
 * Times each request to the MCP endpoint and records its method, era, status and outcome,
 * auth failures and rate-limit refusals (from the error the pipeline threw), and the request
 * id for tool-call log lines. Mount it on the MCP path, after `requestContext`.
 */
function recordMcpRequests(
  metrics: McpMetrics,
  options: McpMetricsOptions = {},
): MiddlewareHandler<McpMetricsEnv> {
  return async (c, next) => {
    const startedAt = metrics.requestStarted();
    const requestId = c.get('requestId');
    if (requestId !== undefined) bindRequestId(c.req.raw, requestId);
    let status = 500;
    try {
      await next();
      status = c.res.status;
    } finally {
      const { error } = c;
      if (error !== undefined) {
        const reason = authFailureReason(error);
        if (reason) metrics.authFailure(reason);
        else if (isRateLimited(error)) {
          metrics.rateLimited(rateLimitScope(error) ?? options.rateLimitScope?.(c) ?? 'global');
        }
      }
      const mcp = c.get('mcp');
      metrics.requestFinished({
        startedAt,
        status,
        method: mcp ? mcp.method : c.req.header('mcp-method'),
        parsed: mcp !== undefined,
        era: mcp?.era,
        protocolVersion: protocolVersionOf(mcp, (name) => c.req.header(name)),
        error,
        toolName: mcp ? mcp.toolName : c.req.header('mcp-name'),
      });
    }
  };
}

/**
 * One span per MCP request, `tools/call search_notes`-style, parented by the `_meta` trace
 * context or the `traceparent` header. Mount it after `mcpPost`. A no-op until an
 * OpenTelemetry SDK is registered (`startTracing()`).
 */
function traceMcpRequests(
  metrics: Pick<McpMetrics, 'toolLabel'> & Partial<Pick<McpMetrics, 'promptLabel'>>,
): MiddlewareHandler<McpMetricsEnv> {
  return async (c, next) => {
    const mcp = c.get('mcp');
    if (mcp === undefined || !tracingEnabled()) return next();
    const started = startRequestSpan(
      mcp,
      metrics,
      (name) => c.req.header(name),
      // @hono/node-server's bindings: the Node.js request, for the connection's attributes.
      nodeConnection((c.env as { incoming?: unknown } | undefined)?.incoming),
    );
    try {
      await (started.context ? context.with(started.context, next) : next());
    } finally {
      endMcpRequestSpan(started.span, c.res.status, c.error);
    }
  };
}

export interface MetricsEndpointOptions {
  registry: Registry;
  /** `METRICS_TOKEN`. Required: this handler serves on the public listener. */
  token: string;
}

/**
 * `GET /metrics` on the app's own listener, for platforms that scrape one port only. It
 * always requires `Authorization: Bearer <token>` (compared in constant time). Prefer
 * `serveMetrics` on a private port.
 */
export function metricsEndpoint(
  options: MetricsEndpointOptions,
): (c: Context) => Promise<Response> {
  const check = bearerTokenCheck(options.token);
  return async (c) => {
    const answer = await metricsAnswer(options.registry, check(c.req.header('authorization')));
    return c.body(answer.body, answer.status, answer.headers);
  };
}

// Hono's Env is invariant, so an app whose variables include these (`PipelineEnv` does) could
// not pass handlers typed for `McpMetricsEnv` to its own `use()`. The handlers only read `mcp`
// and `requestId`, so any such env may take them.

/**
 * Times each request to the MCP endpoint and records its method, era, status and outcome,
 * auth failures and rate-limit refusals. Mount it on the MCP path, after `requestContext`.
 */
export function mcpMetrics<E extends McpMetricsEnv = McpMetricsEnv>(
  metrics: McpMetrics,
  options: McpMetricsOptions = {},
): MiddlewareHandler<E> {
  return recordMcpRequests(metrics, options) as unknown as MiddlewareHandler<E>;
}

/** The request's span, a child of the caller's trace context. Mount it after `mcpPost`. */
export function mcpTracing<E extends McpMetricsEnv = McpMetricsEnv>(
  metrics: McpMetrics,
): MiddlewareHandler<E> {
  return traceMcpRequests(metrics) as unknown as MiddlewareHandler<E>;
}
