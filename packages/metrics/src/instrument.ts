/**
 * Tool-call instrumentation that lives in the server, not in the tools: metrics, a span and
 * a log line for every `tools/call`, whatever the transport (stateless HTTP, 2025 sessions,
 * stdio).
 *
 * How: `McpServer` installs one `tools/call` handler on its low-level `Server`
 * (`server.server.setRequestHandler('tools/call', ...)`) when the first tool registers.
 * `instrumentServer` wraps that handler as it is installed. The wrapper sees what the wire
 * sees: a result (with `isError: true` for a tool that failed, threw, or got invalid input or
 * produced invalid output: the SDK turns all of those into `isError` results) or a thrown
 * JSON-RPC error (an unknown or disabled tool). No per-tool code, and the response body is
 * never read, so SSE responses cost the same as JSON ones.
 */
import { type AuditLog, hashArguments } from '@mcp-runway/logging';
import { context } from '@opentelemetry/api';
import { OTHER, type ToolOutcome } from './labels.js';
import type { McpMetrics } from './metrics.js';
import { endToolSpan, startToolSpan } from './otel/spans.js';
import { requestIdOf } from './request-context.js';
import { hashSessionId, logToolCall, type ToolCallLogger } from './tool-log.js';

/** The parts of the SDK's `McpServer` this touches (an `McpServer` fits). */
export interface InstrumentableServer {
  registerTool(name: string, ...rest: never[]): unknown;
  registerPrompt?(name: string, ...rest: never[]): unknown;
  readonly server: {
    setRequestHandler(method: string, ...rest: never[]): unknown;
    getCapabilities(): { tools?: object | undefined };
  };
}

export interface InstrumentServerOptions {
  /** Writes one line per tool call (tool, outcome, duration, request id, session hash, principal). */
  logger?: ToolCallLogger | undefined;
  /** A span per tool call; a no-op until an OpenTelemetry SDK is registered. @default true */
  tracing?: boolean;
  /**
   * The audit trail: one record per tool call (principal, client id, tool, outcome, request
   * id, session hash, a hash of the arguments; never the arguments or a credential).
   */
  audit?: AuditLog | undefined;
}

/** The parts of the SDK's `ServerContext` read here. */
interface ToolCallContext {
  sessionId?: string | undefined;
  mcpReq?: { id?: string | number | undefined } | undefined;
  http?:
    | {
        authInfo?: { clientId?: string; extra?: Record<string, unknown> | undefined } | undefined;
        req?: Request | undefined;
      }
    | undefined;
}

interface ToolCallRequest {
  params?:
    | { name?: unknown; arguments?: unknown; _meta?: Record<string, unknown> | undefined }
    | undefined;
}

type Handler = (request: ToolCallRequest, ctx: ToolCallContext) => Promise<unknown>;

function principalOf(ctx: ToolCallContext): string | undefined {
  const auth = ctx.http?.authInfo;
  const sub = auth?.extra?.sub;
  return typeof sub === 'string' ? sub : auth?.clientId;
}

/** `_meta` key of the 2026-07-28 protocol version, carried by every modern request. */
const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';

/** The request's MCP revision: the `_meta` one (2026-07-28), else the HTTP header (2025). */
function protocolVersionOf(request: ToolCallRequest, ctx: ToolCallContext): string | undefined {
  const meta = request?.params?._meta?.[PROTOCOL_VERSION_META_KEY];
  if (typeof meta === 'string') return meta;
  return ctx?.http?.req?.headers?.get('mcp-protocol-version') ?? undefined;
}

function errorCodeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

function timed(
  handler: Handler,
  metrics: Pick<McpMetrics, 'toolCall' | 'toolLabel'>,
  options: InstrumentServerOptions,
): Handler {
  const { logger } = options;
  const audit = options.audit?.enabled ? options.audit : undefined;
  const tracing = options.tracing ?? true;
  return async (request, ctx) => {
    const startedAt = performance.now();
    const rawName = request?.params?.name;
    const name = typeof rawName === 'string' ? rawName : '';
    const label = metrics.toolLabel(name);
    const sessionId = ctx?.sessionId || undefined;
    const protocolVersion = protocolVersionOf(request, ctx);
    // Over HTTP the SDK hands the tool the request (`ctx.http`); over stdio there is none.
    const transport = ctx?.http === undefined ? 'pipe' : 'tcp';
    const started = tracing
      ? startToolSpan({
          method: 'tools/call',
          name,
          nameLabel: label === OTHER ? undefined : label,
          id: ctx?.mcpReq?.id,
          protocolVersion,
          sessionId,
          meta: request?.params?._meta,
          transport,
        })
      : undefined;
    let outcome: ToolOutcome = 'protocol_error';
    let failure: unknown;
    try {
      const result = started?.context
        ? await context.with(started.context, handler, undefined, request, ctx)
        : await handler(request, ctx);
      outcome =
        (result as { isError?: unknown } | undefined)?.isError === true ? 'tool_error' : 'ok';
      return result;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      const durationMs = performance.now() - startedAt;
      metrics.toolCall({
        tool: name,
        outcome,
        seconds: durationMs / 1000,
        error: failure,
        protocolVersion,
        transport,
      });
      if (started) endToolSpan(started, outcome === 'tool_error', failure);
      const requestId = requestIdOf(ctx?.http?.req);
      const sessionHash = sessionId && hashSessionId(sessionId);
      const principal = principalOf(ctx ?? {});
      const errorCode = errorCodeOf(failure);
      if (logger) {
        logToolCall(logger, {
          tool: name,
          outcome,
          durationMs,
          requestId,
          mcpRequestId: ctx?.mcpReq?.id,
          sessionHash,
          principal,
          errorCode,
        });
      }
      audit?.toolCall({
        tool: name,
        outcome,
        principal,
        clientId: ctx?.http?.authInfo?.clientId,
        requestId,
        mcpRequestId: ctx?.mcpReq?.id,
        sessionHash,
        argsHash: hashArguments(request?.params?.arguments),
        errorCode,
      });
    }
  };
}

/**
 * Instruments an `McpServer` before its tools register: call it right after `new McpServer`
 * in the server factory (each instance, pooled or per session). Every registered tool name
 * becomes a `tool` label value. Throws if tools were registered already, since their
 * `tools/call` handler is then out of reach.
 */
export function instrumentServer<S extends InstrumentableServer>(
  server: S,
  metrics: Pick<McpMetrics, 'toolCall' | 'toolLabel' | 'declareTool'> &
    Partial<Pick<McpMetrics, 'declarePrompt'>>,
  options: InstrumentServerOptions = {},
): S {
  const inner = server.server;
  if (inner.getCapabilities().tools !== undefined) {
    throw new Error('instrumentServer: call it before the first registerTool');
  }
  const registerTool = server.registerTool;
  server.registerTool = function (this: S, name: string, ...rest: never[]) {
    metrics.declareTool(name);
    return registerTool.call(this, name, ...rest);
  };
  const registerPrompt = server.registerPrompt;
  const { declarePrompt } = metrics;
  if (registerPrompt && declarePrompt) {
    server.registerPrompt = function (this: S, name: string, ...rest: never[]) {
      declarePrompt(name);
      return registerPrompt.call(this, name, ...rest);
    };
  }
  const setRequestHandler = inner.setRequestHandler;
  inner.setRequestHandler = function (this: typeof inner, method: string, ...rest: never[]) {
    const args = rest as unknown[];
    const last = args.length - 1;
    if (method === 'tools/call' && typeof args[last] === 'function') {
      args[last] = timed(args[last] as Handler, metrics, options);
    }
    return setRequestHandler.call(this, method, ...rest);
  };
  return server;
}
