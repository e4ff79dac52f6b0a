/**
 * The one table of error codes mcp-runway emits or understands, for both MCP eras.
 *
 * JSON-RPC and spec codes come from the MCP specification (2025-11-25 and 2026-07-28).
 * Application codes follow the 2026-07-28 allocation rule: outside -32768..-32000, which
 * belongs to JSON-RPC and the spec. We use -31000 minus the HTTP status (401 -> -31401)
 * so a code reads as the status it travels with.
 */

export type ErrorEra = 'both' | '2025-11-25' | '2026-07-28' | 'application';

export interface ErrorCodeInfo {
  readonly name: string;
  readonly code: number;
  /** HTTP status used when this error is the whole response (pipeline rejections). */
  readonly httpStatus: number;
  readonly era: ErrorEra;
  readonly meaning: string;
}

export const JsonRpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** 2025-era resources/read miss; the 2026-07-28 era uses InvalidParams instead. */
  ResourceNotFound: -32002,
  HeaderMismatch: -32020,
  MissingRequiredClientCapability: -32021,
  UnsupportedProtocolVersion: -32022,
  UrlElicitationRequired: -32042,
} as const;

export const AppErrorCode = {
  Unauthorized: -31401,
  Forbidden: -31403,
  NotFound: -31404,
  MethodNotAllowed: -31405,
  NotAcceptable: -31406,
  RequestTimeout: -31408,
  PayloadTooLarge: -31413,
  UnsupportedMediaType: -31415,
  RateLimited: -31429,
  ServiceUnavailable: -31503,
} as const;

export type JsonRpcErrorCodeValue = (typeof JsonRpcErrorCode)[keyof typeof JsonRpcErrorCode];
export type AppErrorCodeValue = (typeof AppErrorCode)[keyof typeof AppErrorCode];

export const errorCatalog: readonly ErrorCodeInfo[] = [
  {
    name: 'ParseError',
    code: -32700,
    httpStatus: 400,
    era: 'both',
    meaning: 'The body is not valid JSON, or nests arrays and objects deeper than 64 levels.',
  },
  {
    name: 'InvalidRequest',
    code: -32600,
    httpStatus: 400,
    era: 'both',
    meaning: 'Not a single valid JSON-RPC 2.0 message (batches are refused).',
  },
  {
    name: 'MethodNotFound',
    code: -32601,
    httpStatus: 404,
    era: 'both',
    meaning: 'No handler for this method (unknown tool calls are InvalidParams).',
  },
  {
    name: 'InvalidParams',
    code: -32602,
    httpStatus: 400,
    era: 'both',
    meaning:
      'Params do not fit the method; also an unknown tool, prompt or resource, or an initialize too large for a session to keep.',
  },
  {
    name: 'InternalError',
    code: -32603,
    httpStatus: 500,
    era: 'both',
    meaning: 'Unexpected server failure; details are logged, never sent.',
  },
  {
    name: 'ResourceNotFound',
    code: -32002,
    httpStatus: 404,
    era: '2025-11-25',
    meaning: 'Legacy resources/read miss (received, never sent).',
  },
  {
    name: 'HeaderMismatch',
    code: -32020,
    httpStatus: 400,
    era: '2026-07-28',
    meaning: 'MCP-Protocol-Version, Mcp-Method or Mcp-Name disagree with the body.',
  },
  {
    name: 'MissingRequiredClientCapability',
    code: -32021,
    httpStatus: 400,
    era: '2026-07-28',
    meaning: 'The request needs a client capability that was not declared.',
  },
  {
    name: 'UnsupportedProtocolVersion',
    code: -32022,
    httpStatus: 400,
    era: '2026-07-28',
    meaning: 'The protocol version is not served; data.supported lists those that are.',
  },
  {
    name: 'UrlElicitationRequired',
    code: -32042,
    httpStatus: 200,
    era: '2025-11-25',
    meaning: 'The user must visit a URL before the tool can finish.',
  },
  {
    name: 'Unauthorized',
    code: -31401,
    httpStatus: 401,
    era: 'application',
    meaning: 'Missing or invalid credentials; WWW-Authenticate says how to get some.',
  },
  {
    name: 'Forbidden',
    code: -31403,
    httpStatus: 403,
    era: 'application',
    meaning: 'Credentials are valid but not enough (scope, Origin, Host, session owner).',
  },
  {
    name: 'NotFound',
    code: -31404,
    httpStatus: 404,
    era: 'application',
    meaning: 'No such route or session.',
  },
  {
    name: 'MethodNotAllowed',
    code: -31405,
    httpStatus: 405,
    era: 'application',
    meaning: 'HTTP method not served on this endpoint (GET/DELETE when stateless).',
  },
  {
    name: 'NotAcceptable',
    code: -31406,
    httpStatus: 406,
    era: 'application',
    meaning: 'Accept must list application/json and text/event-stream.',
  },
  {
    name: 'RequestTimeout',
    code: -31408,
    httpStatus: 408,
    era: 'application',
    meaning: 'The body did not all arrive within BODY_READ_TIMEOUT_MS; the connection closes.',
  },
  {
    name: 'PayloadTooLarge',
    code: -31413,
    httpStatus: 413,
    era: 'application',
    meaning: 'The body is larger than the configured limit.',
  },
  {
    name: 'UnsupportedMediaType',
    code: -31415,
    httpStatus: 415,
    era: 'application',
    meaning: 'Content-Type must be application/json.',
  },
  {
    name: 'RateLimited',
    code: -31429,
    httpStatus: 429,
    era: 'application',
    meaning:
      "Over a limit: the rate-limit budget, concurrent tool calls or streams, failed authentications from the address, or the caller's share of sessions; Retry-After says when to retry.",
  },
  {
    name: 'ServiceUnavailable',
    code: -31503,
    httpStatus: 503,
    era: 'application',
    meaning:
      'The server is draining or not ready, or shut down before the call finished (it may have partly run); retry on another instance.',
  },
];

const byCode = new Map(errorCatalog.map((info) => [info.code, info]));

/** Looks up a known code; undefined for codes this template never emits or understands. */
export function describeErrorCode(code: number): ErrorCodeInfo | undefined {
  return byCode.get(code);
}

/** True for codes reserved to JSON-RPC and the MCP spec, which applications must not mint. */
export function isReservedCode(code: number): boolean {
  return code >= -32768 && code <= -32000;
}
