/**
 * Express adapter, the sibling of `../hono`: times each request to the MCP endpoint and records
 * its method, era, status and outcome when the exchange closes (an SSE stream: when it ends).
 * Express hands errors to the error handler, not back up the chain, so refusals are read from
 * the response: a `WWW-Authenticate` challenge on a 401/403 is an auth failure, a 429 a
 * rate-limit refusal, counted under the limit named by the error the pipeline's
 * `errorHandler` left in `res.locals.error` (`global` when it names none).
 */
import { context } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { authFailureReason, rateLimitScope } from '../classify.js';
import type { McpMetrics } from '../metrics.js';
import { endMcpRequestSpan } from '../otel/spans.js';
import { tracingEnabled } from '../otel/tracer.js';
import {
  type McpFacts,
  nodeConnection,
  protocolVersionOf,
  startRequestSpan,
} from '../request-span.js';

export function mcpMetrics(metrics: McpMetrics): RequestHandler {
  return (req, res, next) => {
    const startedAt = metrics.requestStarted();
    res.once('close', () => {
      const status = res.statusCode;
      const challenge = res.getHeader('www-authenticate');
      if ((status === 401 || status === 403) && typeof challenge === 'string') {
        const reason = authFailureReason({ headers: { 'WWW-Authenticate': challenge } });
        if (reason) metrics.authFailure(reason);
      } else if (status === 429) {
        metrics.rateLimited(rateLimitScope(res.locals.error) ?? 'global');
      }
      const mcp = res.locals.mcp as McpFacts | undefined;
      metrics.requestFinished({
        startedAt,
        status,
        method: mcp ? mcp.method : req.get('mcp-method'),
        parsed: mcp !== undefined,
        era: mcp?.era,
        protocolVersion: protocolVersionOf(mcp, (name) => req.get(name)),
        error: status >= 400 ? res.locals.error : undefined,
        toolName: mcp ? mcp.toolName : req.get('mcp-name'),
      });
    });
    next();
  };
}

/**
 * The request's span, a child of the caller's `traceparent` (or of the 2026-07-28 `_meta`
 * trace fields). Mount it after `mcpPost`; it ends when the exchange closes. Free when no
 * OpenTelemetry SDK is registered.
 */
export function mcpTracing(
  metrics: Pick<McpMetrics, 'toolLabel'> & Partial<Pick<McpMetrics, 'promptLabel'>>,
): RequestHandler {
  return (req, res, next) => {
    const mcp = res.locals.mcp as McpFacts | undefined;
    if (mcp === undefined || !tracingEnabled()) return next();
    const started = startRequestSpan(mcp, metrics, (name) => req.get(name), nodeConnection(req));
    res.once('close', () =>
      endMcpRequestSpan(
        started.span,
        res.statusCode,
        res.statusCode >= 400 ? res.locals.error : undefined,
      ),
    );
    if (started.context) context.with(started.context, next);
    else next();
  };
}
