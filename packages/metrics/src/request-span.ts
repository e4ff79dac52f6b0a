import type { Era } from './labels.js';
import type { McpMetrics } from './metrics.js';
import { type StartedSpan, startMcpRequestSpan } from './otel/spans.js';

/** The parsed message the pipeline's `mcpPost` stores (the pipeline's `McpPost` fits). */
export interface McpFacts {
  method: string | undefined;
  toolName?: string | undefined;
  id?: string | number | null | undefined;
  era: Era;
  protocolVersion?: string | undefined;
  message?: Record<string, unknown> | undefined;
}

/**
 * Opens the span of one MCP request from what the pipeline parsed and the request's headers:
 * the one mapping both the Hono and the Express adapter use.
 */
export function startRequestSpan(
  mcp: McpFacts,
  metrics: Pick<McpMetrics, 'toolLabel'>,
  header: (name: string) => string | undefined,
): StartedSpan {
  const params = mcp.message?.params as { _meta?: Record<string, unknown> } | undefined;
  const label =
    mcp.method === 'tools/call' && mcp.toolName !== undefined
      ? metrics.toolLabel(mcp.toolName)
      : undefined;
  return startMcpRequestSpan(
    {
      method: mcp.method,
      name: mcp.toolName,
      nameLabel: label === 'other' ? undefined : label,
      id: mcp.id,
      protocolVersion: mcp.protocolVersion,
      sessionId: header('mcp-session-id'),
      meta: params?._meta,
    },
    {
      traceparent: header('traceparent'),
      tracestate: header('tracestate'),
      baggage: header('baggage'),
    },
  );
}
