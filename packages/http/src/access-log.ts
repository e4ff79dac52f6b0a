import type { McpPost } from './mcp-post.js';

/** The fields of one access log line. Never a header value: tokens live in headers. */
export interface AccessLogRecord {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  mcpMethod?: string;
  tool?: string;
  era?: McpPost['era'];
}

export function accessLogRecord(
  request: { method: string; path: string },
  status: number,
  startedAt: number,
  mcp: McpPost | undefined,
): AccessLogRecord {
  const record: AccessLogRecord = {
    method: request.method,
    path: request.path,
    status,
    durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
  };
  if (mcp?.method) record.mcpMethod = mcp.method;
  if (mcp?.method === 'tools/call' && mcp.toolName) record.tool = mcp.toolName;
  if (mcp) record.era = mcp.era;
  return record;
}

/** 5xx is an error to look at, 4xx a client mistake worth a warning, the rest is info. */
export function accessLogLevel(status: number): 'info' | 'warn' | 'error' {
  return status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
}
