import { type Era, OTHER } from './labels.js';
import type { McpMetrics } from './metrics.js';
import { type ConnectionFacts, type StartedSpan, startMcpRequestSpan } from './otel/spans.js';

/** The parsed message the pipeline's `mcpPost` stores (the pipeline's `McpPost` fits). */
export interface McpFacts {
  method: string | undefined;
  toolName?: string | undefined;
  id?: string | number | null | undefined;
  era: Era;
  protocolVersion?: string | undefined;
  message?: Record<string, unknown> | undefined;
}

type Params = { _meta?: Record<string, unknown>; uri?: unknown; protocolVersion?: unknown };

function paramsOf(mcp: McpFacts | undefined): Params | undefined {
  const params = mcp?.message?.params;
  return typeof params === 'object' && params !== null ? (params as Params) : undefined;
}

/**
 * `mcp.protocol.version` of a request: the `_meta` one (2026-07-28), else the
 * `MCP-Protocol-Version` header (2025 clients send it after initialize), else the version an
 * `initialize` asks for.
 */
export function protocolVersionOf(
  mcp: McpFacts | undefined,
  header: (name: string) => string | undefined,
): string | undefined {
  if (mcp?.protocolVersion !== undefined) return mcp.protocolVersion;
  const fromHeader = header('mcp-protocol-version');
  if (fromHeader !== undefined) return fromHeader;
  const asked = mcp?.method === 'initialize' ? paramsOf(mcp)?.protocolVersion : undefined;
  return typeof asked === 'string' ? asked : undefined;
}

/** `server.address` and `server.port` from a `Host` header (`example.com:8080`, `[::1]:80`). */
export function hostFacts(host: string | undefined): ConnectionFacts {
  if (!host) return {};
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(host);
  if (!match?.[1]) return {};
  return match[2] === undefined
    ? { serverAddress: match[1] }
    : { serverAddress: match[1], serverPort: Number(match[2]) };
}

/**
 * Opens the span of one MCP request from what the pipeline parsed, the request's headers and
 * its connection: the one mapping both the Hono and the Express adapter use.
 */
export function startRequestSpan(
  mcp: McpFacts,
  metrics: Pick<McpMetrics, 'toolLabel'> & Partial<Pick<McpMetrics, 'promptLabel'>>,
  header: (name: string) => string | undefined,
  connection: ConnectionFacts = {},
): StartedSpan {
  const params = paramsOf(mcp);
  // The span name's target: a declared tool or prompt only (a made-up name would make one
  // span name per value); the name itself is an attribute either way.
  const label =
    mcp.toolName === undefined
      ? undefined
      : mcp.method === 'tools/call'
        ? metrics.toolLabel(mcp.toolName)
        : mcp.method === 'prompts/get'
          ? metrics.promptLabel?.(mcp.toolName)
          : undefined;
  return startMcpRequestSpan(
    {
      method: mcp.method,
      name: mcp.toolName,
      nameLabel: label === OTHER ? undefined : label,
      id: mcp.id,
      protocolVersion: protocolVersionOf(mcp, header),
      sessionId: header('mcp-session-id'),
      meta: params?._meta,
      resourceUri: typeof params?.uri === 'string' ? params.uri : undefined,
    },
    {
      traceparent: header('traceparent'),
      tracestate: header('tracestate'),
      baggage: header('baggage'),
    },
    { ...hostFacts(header('host')), ...connection },
  );
}

/**
 * `network.protocol.version` and `client.*` from a Node.js request (`IncomingMessage`: the
 * Express `req`, or `c.env.incoming` under @hono/node-server); empty for anything else.
 */
export function nodeConnection(incoming: unknown): ConnectionFacts {
  const request = incoming as
    | {
        httpVersion?: unknown;
        socket?: { remoteAddress?: unknown; remotePort?: unknown } | undefined;
      }
    | undefined;
  const facts: ConnectionFacts = {};
  if (typeof request?.httpVersion === 'string') facts.httpVersion = request.httpVersion;
  const address = request?.socket?.remoteAddress;
  const port = request?.socket?.remotePort;
  if (typeof address === 'string') facts.clientAddress = address;
  if (typeof port === 'number') facts.clientPort = port;
  return facts;
}
