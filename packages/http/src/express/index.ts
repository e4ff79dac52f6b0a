/**
 * Express 5 adapters for the pipeline cores, the siblings of `../hono`. Each one only
 * translates: read what the core needs from `req`, call the core, then set headers, answer,
 * or throw the core's error (Express 5 passes a throw or a rejected promise to `next`, and
 * `errorHandler()` renders it). Per-request state lives on `res.locals` (`PipelineLocals`).
 *
 * Express answers before later middleware runs, so headers that Hono adds after `next()`
 * are set here before it; they stay on every response written afterwards, errors included.
 */
import {
  MethodNotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  toErrorResponse,
} from '@mcp-runway/errors';
import type { Logger } from '@mcp-runway/logging';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
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

/**
 * What the pipeline keeps in `res.locals` for later middleware and the MCP route. Apps
 * intersect it with the other adapters' locals (`PipelineLocals & AuthLocals`).
 */
export type PipelineLocals = {
  requestId: string;
  log: Logger;
  /** Set by `mcpPost` on the MCP endpoint; undefined elsewhere. */
  mcp?: McpPost | undefined;
  /**
   * The error `errorHandler()` answered with, for what reads the exchange once it closes
   * (the metrics adapter: which limit refused a 429). Express hands errors forward to the
   * error handler, never back to the middleware that came before.
   */
  error?: unknown;
};

/** A handler whose `res.locals` is `L`: the shape every adapter here returns. */
export type Handler<L extends Record<string, unknown> = Record<string, unknown>> = RequestHandler<
  Request['params'],
  unknown,
  unknown,
  Request['query'],
  L
>;

/** Request id in and out, a child logger carrying it, and one access log line per request. */
export function requestContext<L extends PipelineLocals = PipelineLocals>(
  logger: Logger,
): Handler<L> {
  return (req, res, next) => {
    const startedAt = performance.now();
    const request = { method: req.method, path: req.path };
    const requestId = resolveRequestId(req.get(REQUEST_ID_HEADER));
    const log = logger.child({ requestId });
    res.locals.requestId = requestId;
    res.locals.log = log;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    // Logged when the exchange is over: for an SSE stream that is when the stream ends (Hono
    // logs when it starts), so durationMs covers the whole stream.
    res.once('close', () => {
      const record = accessLogRecord(request, res.statusCode, startedAt, res.locals.mcp);
      const aborted = !res.writableFinished;
      log[accessLogLevel(record.status)](aborted ? { ...record, aborted } : record, 'request');
    });
    next();
  };
}

/** The security headers on every response, and no `X-Powered-By` (Express sets it by default). */
export function securityHeaders(): Handler {
  return (_req, res, next) => {
    res.removeHeader('X-Powered-By');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    next();
  };
}

export function cors(policy: CorsPolicy): Handler {
  assertValidCorsPolicy(policy);
  return (req, res, next) => {
    const origin = req.get('origin');
    if (req.method === 'OPTIONS') {
      const answer = preflight(origin, policy);
      res.status(answer.status).set(answer.headers).end();
      return;
    }
    res.set(corsHeaders(origin, policy).headers);
    next();
  };
}

export function hostOriginGuard(policy: HostOriginPolicy): Handler {
  return (req, _res, next) => {
    const error = checkHostOrigin(
      { path: req.path, host: req.get('host'), origin: req.get('origin') },
      policy,
    );
    if (error) throw error;
    next();
  };
}

/** Once shutdown begins, new MCP requests get 503 and a closed connection, so clients retry elsewhere. */
export function drainGuard(drain: Drain): Handler {
  return (_req, _res, next) => {
    if (drain.draining) {
      throw new ServiceUnavailableError('Service unavailable: the server is shutting down', {
        headers: { 'Retry-After': '1', Connection: 'close' },
      });
    }
    next();
  };
}

/**
 * The request body as a web stream for the core's `readBodyText`. When the core stops
 * reading (413) the socket stays open for the answer, which then closes the connection (see
 * `errorHandler`): the rest of the body is never read, so the connection cannot carry another
 * request.
 */
function bodyStream(req: Request): ReadableStream<Uint8Array> {
  const chunks = req.iterator({ destroyOnReturn: false });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(value as Uint8Array);
    },
    async cancel() {
      await chunks.return?.();
    },
  });
}

/**
 * Content type, Accept, size limit, JSON parse, the one-message rule and the protocol era (the
 * SDK's classifier); the result lands in `res.locals.mcp`, where the MCP route reads the era
 * to pick its lane. It reads the raw body itself: mount no body parser (`express.json()`)
 * before it, or its errors would bypass the 413/415/-32700 answers of the core.
 */
export function mcpPost<L extends PipelineLocals = PipelineLocals>(
  options: McpPostOptions,
): Handler<L> {
  const { maxBodyBytes, bodyTimeoutMs } = options;
  return async (req, res, next) => {
    const error = checkMcpPostHeaders(
      {
        contentType: req.get('content-type'),
        accept: req.get('accept'),
        contentLength: req.get('content-length'),
      },
      maxBodyBytes,
    );
    if (error) throw error;
    const text = await withinBodyDeadline(
      readBodyText(bodyStream(req), maxBodyBytes),
      bodyTimeoutMs,
    );
    res.locals.mcp = parseMcpMessage(text, {
      protocolVersion: req.get('mcp-protocol-version'),
      mcpMethod: req.get('mcp-method'),
      mcpName: req.get('mcp-name'),
    });
    next();
  };
}

/** For routes a method is not served on: 405, `Allow`, and a JSON-RPC error body. */
export function methodNotAllowed(allowed: readonly string[]): Handler {
  return (req) => {
    throw new MethodNotAllowedError(req.method, allowed);
  };
}

function report(res: Response, result: HealthReport): void {
  res.set('Cache-Control', 'no-store').status(result.status).json(result.body);
}

export function liveness(health: Health): Handler {
  return (_req, res) => report(res, health.liveness());
}

export function readiness(health: Health): Handler {
  return async (_req, res) => report(res, await health.readiness());
}

/**
 * Every error, thrown anywhere in the pipeline, becomes a JSON-RPC error body with the right
 * status and headers. A refusal that comes before the body has all arrived (401, 413, 408,
 * 503) also closes the connection; `applyServerLimits` (../node) closes it gracefully. Mount
 * it last, after `notFound()`.
 */
export function errorHandler(): ErrorRequestHandler<
  Request['params'],
  unknown,
  unknown,
  Request['query'],
  Partial<PipelineLocals>
> {
  return (error, req, res, _next) => {
    res.locals.error = error;
    // An answer already under way (an SSE stream) cannot become an error body: cut the
    // connection, which the client sees as a dropped stream (Express's fallback would do the
    // same, printing the stack to stderr outside the JSON logs).
    if (res.headersSent) {
      res.locals.log?.error({ err: error }, 'request failed mid-response');
      res.destroy();
      return;
    }
    const { httpStatus, headers, body } = toErrorResponse(error, res.locals.mcp?.id ?? null);
    if (httpStatus >= 500) res.locals.log?.error({ err: error }, 'request failed');
    const close = bodyStillArriving({
      contentLength: req.get('content-length'),
      transferEncoding: req.get('transfer-encoding'),
      complete: req.complete,
    });
    res
      .status(httpStatus)
      .set({ ...headers, ...(close && { Connection: 'close' }) })
      .json(body);
  };
}

/** The last ordinary handler: anything unrouted is a 404 with a JSON-RPC error body. */
export function notFound(): Handler {
  return (req) => {
    throw new NotFoundError(`Not found: ${req.method} ${req.path}`);
  };
}
