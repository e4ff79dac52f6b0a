/**
 * OpenTelemetry spans for MCP requests and tool calls, through `@opentelemetry/api` only.
 *
 * Without an SDK registered, every helper returns at once (`tracingEnabled()`). With one
 * registered (`startTracing()`), names and attributes follow the OpenTelemetry MCP semantic
 * conventions (development status), and attributes are built only for recording spans:
 * https://opentelemetry.io/docs/specs/semconv/gen-ai/mcp/
 */
import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  isSpanContextValid,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { hashSessionId } from '../tool-log.js';
import { NOOP_SPAN, TRACEPARENT_META_KEY, tracer, tracingEnabled } from './tracer.js';

/** Marks the context inside an MCP request span, so a tool span nests instead of re-rooting. */
const IN_MCP_REQUEST = createContextKey('mcp-runway.mcp-request');

/** W3C trace headers (or `_meta` fields): a carrier for the configured propagator. */
export interface TraceCarrier {
  traceparent?: string | undefined;
  tracestate?: string | undefined;
  baggage?: string | undefined;
}

export interface McpSpanInput {
  method: string | undefined;
  /** `params.name` of `tools/call` or `prompts/get`. */
  name?: string | undefined;
  /** A low-cardinality form of the name for the span name: a declared tool, else omitted. */
  nameLabel?: string | undefined;
  id?: string | number | null | undefined;
  protocolVersion?: string | undefined;
  /** A 2025 session id; only its hash is recorded (`mcp.session.id`), and only when recording. */
  sessionId?: string | undefined;
  /** `params._meta` of the message: trace context propagated inside MCP. */
  meta?: Readonly<Record<string, unknown>> | undefined;
  /** `params.uri` of `resources/read`, `resources/subscribe`, `resources/unsubscribe`. */
  resourceUri?: string | undefined;
  /** @default 'tcp' */
  transport?: 'tcp' | 'pipe' | undefined;
}

/** The connection an HTTP request came over: `network.*`, `client.*` and `server.*`. */
export interface ConnectionFacts {
  /** `network.protocol.version`: `1.1`, `2`. */
  httpVersion?: string | undefined;
  clientAddress?: string | undefined;
  clientPort?: number | undefined;
  /** From the `Host` header: the name the client addressed. */
  serverAddress?: string | undefined;
  serverPort?: number | undefined;
}

export interface StartedSpan {
  span: Span;
  /**
   * Run the work inside this (`context.with`), so spans it starts are children. Undefined
   * when there is nothing to carry (no SDK registered): run the work as it is.
   */
  context: Context | undefined;
  /**
   * A tool span's enclosing MCP request span, if any: a tool's failure is also that span's
   * (`error.type=tool_error` on the MCP server span, as the conventions ask).
   */
  parent?: Span | undefined;
}

const OFF: StartedSpan = { span: NOOP_SPAN, context: undefined };

const RESOURCE_METHODS: ReadonlySet<string> = new Set([
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
]);

/** Nothing sampled and nothing to propagate: skip building contexts. */
function isNoop(span: Span): boolean {
  return !span.isRecording() && !isSpanContextValid(span.spanContext());
}

function hasTraceparent(carrier: Readonly<Record<string, unknown>> | undefined): boolean {
  return typeof carrier?.[TRACEPARENT_META_KEY] === 'string';
}

/**
 * The parent of an MCP server span, as the semantic conventions ask: the trace context in
 * `params._meta` if the client sent one (the MCP-level parent), else `ambient` (the HTTP
 * `traceparent` header, or an HTTP instrumentation's span). When both exist and differ, the
 * ambient one becomes a link.
 */
function parentOf(
  meta: Readonly<Record<string, unknown>> | undefined,
  ambient: Context,
): { parent: Context; links?: Link[] } {
  if (!hasTraceparent(meta)) return { parent: ambient };
  const fromMeta = propagation.extract(ROOT_CONTEXT, meta);
  const metaSpan = trace.getSpanContext(fromMeta);
  if (!metaSpan || !isSpanContextValid(metaSpan)) return { parent: ambient };
  const ambientSpan = trace.getSpanContext(ambient);
  const links =
    ambientSpan && isSpanContextValid(ambientSpan) && ambientSpan.spanId !== metaSpan.spanId
      ? [{ context: ambientSpan }]
      : undefined;
  return links ? { parent: fromMeta, links } : { parent: fromMeta };
}

function spanName(method: string | undefined, target: string | undefined): string {
  const name = method ?? 'mcp';
  return target === undefined ? name : `${name} ${target}`;
}

function mcpAttributes(input: McpSpanInput): Attributes {
  const attributes: Attributes = { 'mcp.method.name': input.method ?? '_OTHER' };
  if (input.name !== undefined) {
    if (input.method === 'tools/call') {
      attributes['gen_ai.tool.name'] = input.name.slice(0, 128);
      attributes['gen_ai.operation.name'] = 'execute_tool';
    } else if (input.method === 'prompts/get') {
      attributes['gen_ai.prompt.name'] = input.name.slice(0, 128);
    }
  }
  if (input.id !== undefined && input.id !== null)
    attributes['jsonrpc.request.id'] = String(input.id);
  if (input.protocolVersion !== undefined)
    attributes['mcp.protocol.version'] = input.protocolVersion;
  if (input.sessionId !== undefined) attributes['mcp.session.id'] = hashSessionId(input.sessionId);
  if (input.resourceUri !== undefined && RESOURCE_METHODS.has(input.method ?? '')) {
    // An attribute only: the conventions keep resource URIs out of span names by default.
    attributes['mcp.resource.uri'] = input.resourceUri.slice(0, 2048);
  }
  attributes['network.transport'] = input.transport ?? 'tcp';
  if ((input.transport ?? 'tcp') === 'tcp') attributes['network.protocol.name'] = 'http';
  return attributes;
}

function connectionAttributes(connection: ConnectionFacts): Attributes {
  const attributes: Attributes = {};
  if (connection.httpVersion) attributes['network.protocol.version'] = connection.httpVersion;
  if (connection.clientAddress) {
    attributes['client.address'] = connection.clientAddress;
    if (connection.clientPort !== undefined) attributes['client.port'] = connection.clientPort;
  }
  if (connection.serverAddress) {
    attributes['server.address'] = connection.serverAddress;
    if (connection.serverPort !== undefined) attributes['server.port'] = connection.serverPort;
  }
  return attributes;
}

/**
 * The span of one MCP request over HTTP (kind SERVER), named `{method} {target}`
 * (`tools/call search_notes`). Its parent comes from `_meta`, else from the HTTP headers.
 */
export function startMcpRequestSpan(
  input: McpSpanInput,
  headers: TraceCarrier,
  connection: ConnectionFacts = {},
): StartedSpan {
  if (!tracingEnabled()) return OFF;
  const active = context.active();
  const ambient = headers.traceparent === undefined ? active : propagation.extract(active, headers);
  const { parent, links } = parentOf(input.meta, ambient);
  const span = tracer().startSpan(
    spanName(input.method, input.nameLabel),
    links ? { kind: SpanKind.SERVER, links } : { kind: SpanKind.SERVER },
    parent,
  );
  if (isNoop(span)) return { span, context: undefined };
  if (span.isRecording()) {
    span.setAttributes(mcpAttributes(input));
    span.setAttributes(connectionAttributes(connection));
  }
  return { span, context: trace.setSpan(parent, span).setValue(IN_MCP_REQUEST, true) };
}

/** The JSON-RPC code of a RunwayError or SDK ProtocolError, if the error carries one. */
function errorCodeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Ends a request span: `error.type` is the JSON-RPC code of a refusal, else the HTTP status. */
export function endMcpRequestSpan(span: Span, status: number, error?: unknown): void {
  if (span.isRecording()) {
    span.setAttribute('http.response.status_code', status);
    if (error !== undefined || status >= 400) {
      const code = errorCodeOf(error);
      markFailed(span, code === undefined ? String(status) : String(code), code, error);
    }
  }
  span.end();
}

/**
 * The span of one tool call, started inside the server. Within an MCP request span (the HTTP
 * pipeline's) it is its child, `execute_tool {tool}` (kind INTERNAL). Without one (stdio, or
 * a transport the pipeline does not wrap) it is the MCP server span itself, `tools/call {tool}`
 * (kind SERVER), its parent taken from `_meta`.
 */
export function startToolSpan(input: McpSpanInput): StartedSpan {
  if (!tracingEnabled()) return OFF;
  const active = context.active();
  if (active.getValue(IN_MCP_REQUEST) === true) {
    const span = tracer().startSpan(
      input.nameLabel === undefined ? 'execute_tool' : `execute_tool ${input.nameLabel}`,
      { kind: SpanKind.INTERNAL },
      active,
    );
    if (isNoop(span)) return { span, context: undefined };
    if (span.isRecording()) span.setAttributes(mcpAttributes(input));
    return { span, context: trace.setSpan(active, span), parent: trace.getSpan(active) };
  }
  const { parent, links } = parentOf(input.meta, active);
  const span = tracer().startSpan(
    spanName(input.method, input.nameLabel),
    links ? { kind: SpanKind.SERVER, links } : { kind: SpanKind.SERVER },
    parent,
  );
  if (isNoop(span)) return { span, context: undefined };
  if (span.isRecording()) span.setAttributes(mcpAttributes(input));
  return { span, context: trace.setSpan(parent, span).setValue(IN_MCP_REQUEST, true) };
}

function markFailed(span: Span, type: string, code: number | undefined, error: unknown): void {
  span.setAttribute('error.type', type);
  if (code !== undefined) span.setAttribute('rpc.response.status_code', String(code));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    ...(error instanceof Error && { message: error.message }),
  });
}

/**
 * Ends a tool span: `error.type` is `tool_error` for an `isError` result, else the JSON-RPC
 * code of the thrown error (`_OTHER` without one). The enclosing MCP request span, which
 * answers with a 200 either way, gets the same `error.type`.
 */
export function endToolSpan(started: StartedSpan, isError: boolean, error?: unknown): void {
  const { span, parent } = started;
  if (isError || error !== undefined) {
    const code = errorCodeOf(error);
    const type = error === undefined ? 'tool_error' : code === undefined ? '_OTHER' : String(code);
    if (span.isRecording()) markFailed(span, type, code, error);
    if (parent?.isRecording()) markFailed(parent, type, code, error);
  }
  span.end();
}
