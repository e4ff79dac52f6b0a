/**
 * The log line of one tool call, and the session id hash that stands in for a session id in
 * logs and traces. A 2025 session id is a capability (whoever holds it, with the owner's
 * credentials, can use the session), so it never appears in telemetry as it is.
 */
import type { ToolOutcome } from './labels.js';

/** The slice of a logger used here; a pino logger (and the example server's) fits. */
export interface ToolCallLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface ToolCallLogRecord {
  /** The name the client asked for (cut to 128 characters). */
  tool: string;
  outcome: ToolOutcome;
  durationMs: number;
  /** The HTTP request id (`X-Request-Id`), which ties this line to the access log line. */
  requestId?: string | undefined;
  /** The JSON-RPC id of the call. */
  mcpRequestId?: string | number | undefined;
  /** {@link hashSessionId} of the 2025 session id, if any. */
  sessionHash?: string | undefined;
  /** The verified principal id: who called. Never a credential. */
  principal?: string | undefined;
  /** The JSON-RPC error code of a protocol error. */
  errorCode?: number | undefined;
}

const MAX_NAME = 128;

/**
 * A short, stable stand-in for a session id: the first 16 hex digits of its SHA-256. Enough to
 * follow one session through logs and traces, useless for presenting it. (Defined with the
 * audit trail, which uses the same hash so its records join the logs.)
 */
export { hashSessionId } from '@mcp-runway/logging';

/**
 * One line per tool call: `info`, or `warn` for a protocol error (an unknown tool, a broken
 * server). A `tool_error` is the tool answering "no" to the model and stays at `info`.
 */
export function logToolCall(logger: ToolCallLogger, record: ToolCallLogRecord): void {
  const line: Record<string, unknown> = {
    tool: record.tool.length > MAX_NAME ? record.tool.slice(0, MAX_NAME) : record.tool,
    outcome: record.outcome,
    durationMs: Math.round(record.durationMs * 100) / 100,
  };
  if (record.requestId !== undefined) line.requestId = record.requestId;
  if (record.mcpRequestId !== undefined) line.mcpRequestId = record.mcpRequestId;
  if (record.sessionHash !== undefined) line.sessionHash = record.sessionHash;
  if (record.principal !== undefined) line.principal = record.principal;
  if (record.errorCode !== undefined) line.errorCode = record.errorCode;
  if (record.outcome === 'protocol_error') logger.warn(line, 'tool call');
  else logger.info(line, 'tool call');
}
