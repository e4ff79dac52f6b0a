import { describeErrorCode, JsonRpcErrorCode } from './codes.js';
import { RunwayError, ToolError } from './errors.js';

export type JsonRpcId = string | number | null;

export interface JsonRpcErrorBody {
  jsonrpc: '2.0';
  id: JsonRpcId;
  error: { code: number; message: string; data?: unknown };
}

/** An error ready to send: status, headers and a JSON-RPC body with nothing internal in it. */
export interface ErrorResponse {
  httpStatus: number;
  headers: Readonly<Record<string, string>>;
  body: JsonRpcErrorBody;
}

export function jsonRpcErrorBody(
  code: number,
  message: string,
  id: JsonRpcId = null,
  data?: unknown,
): JsonRpcErrorBody {
  return {
    jsonrpc: '2.0',
    id,
    error: data === undefined ? { code, message } : { code, message, data },
  };
}

interface WireError {
  code: number;
  message: string;
  data?: unknown;
}

/** Errors shaped like the SDK's ProtocolError (numeric code we know, string message). */
function asKnownWireError(error: unknown): WireError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'number' || typeof message !== 'string') return undefined;
  if (describeErrorCode(code) === undefined) return undefined;
  return error as WireError;
}

/**
 * Turns anything thrown into a client-safe JSON-RPC error response. Errors we raised on
 * purpose (RunwayError) and protocol errors with a known code keep their code, message and
 * data; everything else becomes a bare -32603 so no stack, path or secret leaves the server.
 */
export function toErrorResponse(error: unknown, id: JsonRpcId = null): ErrorResponse {
  if (error instanceof RunwayError) {
    return {
      httpStatus: error.httpStatus,
      headers: error.headers,
      body: jsonRpcErrorBody(error.code, error.message, id, error.data),
    };
  }
  const wire = asKnownWireError(error);
  if (wire) {
    return {
      httpStatus: describeErrorCode(wire.code)?.httpStatus ?? 400,
      headers: {},
      body: jsonRpcErrorBody(wire.code, wire.message, id, wire.data),
    };
  }
  return {
    httpStatus: 500,
    headers: {},
    body: jsonRpcErrorBody(JsonRpcErrorCode.InternalError, 'Internal error', id),
  };
}

export interface ToolErrorResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  isError: true;
}

/**
 * Turns a failure inside a tool into the `isError: true` result the model reads. A
 * {@link ToolError} keeps its message; anything else is reported generically, with an
 * optional reference (a request id) the operator can find in the logs.
 */
export function toToolErrorResult(error: unknown, reference?: string): ToolErrorResult {
  const text =
    error instanceof ToolError
      ? error.message
      : `The tool failed unexpectedly${reference ? ` (reference ${reference})` : ''}. Try again later.`;
  return { content: [{ type: 'text', text }], isError: true };
}
