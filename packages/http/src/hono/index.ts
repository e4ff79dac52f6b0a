/**
 * Hono adapters for the pipeline cores. Each one only translates: read what the core needs
 * from the Hono context, call the core, turn its result into a response or a header.
 */

import type { IncomingMessage } from 'node:http';
import {
  MethodNotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  toErrorResponse,
} from '@mcp-runway/errors';
import type { Logger } from '@mcp-runway/logging';
import type { Context, ErrorHandler, MiddlewareHandler, NotFoundHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { accessLogLevel, accessLogRecord } from '../access-log.js';
import { assertValidCorsPolicy, type CorsPolicy, corsHeaders, preflight } from '../cors.js';
import type { Drain } from '../drain.js';
import type { Health, HealthReport } from '../health.js';
import { checkHostOrigin, type HostOriginPolicy } from '../host-origin.js';
import {
  bodyStillArriving,
  checkMcpPostHeaders,
  type McpPost,
  type McpPostOptions,
  parseMcpMessage,
  readBodyText,
  withinBodyDeadline,
} from '../mcp-post.js';
import { REQUEST_ID_HEADER, resolveRequestId } from '../request-id.js';
import { SECURITY_HEADERS } from '../security-headers.js';

/** What the pipeline stores on the Hono context for later middleware and the MCP route. */
export interface PipelineVariables {
  requestId: string;
  log: Logger;
  mcp: McpPost | undefined;
}
export type PipelineEnv = { Variables: PipelineVariables };

/** Request id in and out, a child logger carrying it, and one access log line per request. */
export function requestContext<E extends PipelineEnv = PipelineEnv>(
  logger: Logger,
): MiddlewareHandler<E> {
  return async (c, next) => {
    const startedAt = performance.now();
    const requestId = resolveRequestId(c.req.header(REQUEST_ID_HEADER));
    const log = logger.child({ requestId });
    c.set('requestId', requestId);
    c.set('log', log);
    await next();
    c.res.headers.set(REQUEST_ID_HEADER, requestId);
    // For an SSE response this is logged when the stream starts, not when it ends.
    const record = accessLogRecord(
      { method: c.req.method, path: c.req.path },
      c.res.status,
      startedAt,
      c.get('mcp'),
    );
    log[accessLogLevel(record.status)](record, 'request');
  };
}

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
    c.res.headers.delete('X-Powered-By');
  };
}

export function cors(policy: CorsPolicy): MiddlewareHandler {
  assertValidCorsPolicy(policy);
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (c.req.method === 'OPTIONS') {
      const answer = preflight(origin, policy);
      return c.body(null, answer.status, answer.headers);
    }
    await next();
    for (const [name, value] of Object.entries(corsHeaders(origin, policy).headers))
      c.res.headers.set(name, value);
  };
}

export function hostOriginGuard(policy: HostOriginPolicy): MiddlewareHandler {
  return async (c, next) => {
    const error = checkHostOrigin(
      { path: c.req.path, host: c.req.header('host'), origin: c.req.header('origin') },
      policy,
    );
    if (error) throw error;
    await next();
  };
}

/** Once shutdown begins, new MCP requests get 503 and a closed connection, so clients retry elsewhere. */
export function drainGuard(drain: Drain): MiddlewareHandler {
  return async (_c, next) => {
    if (drain.draining) {
      throw new ServiceUnavailableError('Service unavailable: the server is shutting down', {
        headers: { 'Retry-After': '1', Connection: 'close' },
      });
    }
    await next();
  };
}

/**
 * Content type, Accept, size limit, JSON parse, the one-message rule and the protocol era (the
 * SDK's classifier); the result lands in `c.get('mcp')`.
 */
export function mcpPost<E extends PipelineEnv = PipelineEnv>(
  options: McpPostOptions,
): MiddlewareHandler<E> {
  const { maxBodyBytes, bodyTimeoutMs } = options;
  return async (c, next) => {
    const contentLength = c.req.header('content-length');
    const error = checkMcpPostHeaders(
      { contentType: c.req.header('content-type'), accept: c.req.header('accept'), contentLength },
      maxBodyBytes,
    );
    if (error) throw error;
    // With a Content-Length already checked against the limit, c.req.text() takes
    // @hono/node-server's fast path; touching c.req.raw.body would build a full web Request
    // (about +110 µs a request). Chunked bodies are read as a stream, stopped at the limit.
    // Either way the whole body must arrive by the deadline (408).
    const text = await withinBodyDeadline(
      contentLength === undefined ? readBodyText(c.req.raw.body, maxBodyBytes) : c.req.text(),
      bodyTimeoutMs,
    );
    c.set(
      'mcp',
      parseMcpMessage(text, {
        protocolVersion: c.req.header('mcp-protocol-version'),
        mcpMethod: c.req.header('mcp-method'),
        mcpName: c.req.header('mcp-name'),
      }),
    );
    await next();
  };
}

/** For routes a method is not served on: 405, `Allow`, and a JSON-RPC error body. */
export function methodNotAllowed(allowed: readonly string[]): (c: Context) => never {
  return (c) => {
    throw new MethodNotAllowedError(c.req.method, allowed);
  };
}

function report(c: Context, result: HealthReport): Response {
  c.header('Cache-Control', 'no-store');
  return c.json(result.body, result.status);
}

export function liveness(health: Health): (c: Context) => Response {
  return (c) => report(c, health.liveness());
}

export function readiness(health: Health): (c: Context) => Promise<Response> {
  return async (c) => report(c, await health.readiness());
}

/** On @hono/node-server, the Node request (`c.env.incoming`); elsewhere (Lambda) undefined. */
function nodeRequest(c: Context): IncomingMessage | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
}

/**
 * Every error, thrown anywhere in the pipeline, becomes a JSON-RPC error body with the right
 * status. A refusal that comes before the body has all arrived (401, 413, 408, 503) also
 * closes the connection; `applyServerLimits` (../node) closes it gracefully.
 */
export function errorHandler<E extends PipelineEnv = PipelineEnv>(): ErrorHandler<E> {
  return (error, c) => {
    const { httpStatus, headers, body } = toErrorResponse(error, c.get('mcp')?.id ?? null);
    if (httpStatus >= 500) c.get('log')?.error({ err: error }, 'request failed');
    const incoming = nodeRequest(c);
    const close =
      incoming !== undefined &&
      bodyStillArriving({
        contentLength: incoming.headers['content-length'],
        transferEncoding: incoming.headers['transfer-encoding'],
        complete: incoming.complete,
      });
    return c.json(body, httpStatus as ContentfulStatusCode, {
      ...headers,
      ...(close && { Connection: 'close' }),
    });
  };
}

export function notFound<E extends PipelineEnv = PipelineEnv>(): NotFoundHandler<E> {
  return (c) => {
    const { httpStatus, body } = toErrorResponse(
      new NotFoundError(`Not found: ${c.req.method} ${c.req.path}`),
    );
    return c.json(body, httpStatus as ContentfulStatusCode);
  };
}
