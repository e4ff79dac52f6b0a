/**
 * The refusals of the session lane, as RunwayErrors: the app's error mapper (`toErrorResponse`)
 * renders each one with its HTTP status, headers and a JSON-RPC error body.
 */
import {
  AppErrorCode,
  JsonRpcErrorCode,
  RunwayError,
  type RunwayErrorOptions,
} from '@mcp-runway/errors';

/**
 * 404: the id is unknown, ended, expired, or belongs to another principal. The spec tells
 * the client to start a new session on 404. Another principal's session answers the same as
 * an unknown one, so an id seen in a log or a proxy reveals nothing, not even that it exists.
 */
export class SessionNotFoundError extends RunwayError {
  override readonly name: string = 'SessionNotFoundError';
  constructor(options?: RunwayErrorOptions) {
    super(
      AppErrorCode.NotFound,
      404,
      'Session not found: send initialize to start a new session',
      options,
    );
  }
}

/** 400: a request other than initialize came without an Mcp-Session-Id header. */
export class MissingSessionIdError extends RunwayError {
  override readonly name: string = 'MissingSessionIdError';
  constructor(options?: RunwayErrorOptions) {
    super(
      JsonRpcErrorCode.InvalidRequest,
      400,
      'Bad Request: Mcp-Session-Id header is required',
      options,
    );
  }
}

function retryAfter(seconds: number, options: RunwayErrorOptions): RunwayErrorOptions {
  return {
    ...options,
    data: { retryAfterSeconds: seconds },
    headers: { 'Retry-After': String(seconds), ...options.headers },
  };
}

/** 503 with Retry-After: this instance holds as many sessions as it may (SESSION_MAX). */
export class SessionLimitError extends RunwayError {
  override readonly name: string = 'SessionLimitError';
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, options: RunwayErrorOptions = {}) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(
      AppErrorCode.ServiceUnavailable,
      503,
      `Too many sessions on this server: retry after ${seconds}s`,
      retryAfter(seconds, options),
    );
    this.retryAfterSeconds = seconds;
  }
}

/**
 * 429 with Retry-After: this principal (or, anonymous, this client address) holds its share of
 * the sessions (SESSION_MAX_PER_PRINCIPAL), none of them dormant. Its own limit, like a rate
 * limit: other callers still get sessions. Ending one (DELETE) frees a place at once.
 */
export class PrincipalSessionLimitError extends RunwayError {
  override readonly name: string = 'PrincipalSessionLimitError';
  readonly retryAfterSeconds: number;
  constructor(limit: number, retryAfterSeconds: number, options: RunwayErrorOptions = {}) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(
      AppErrorCode.RateLimited,
      429,
      `Too many sessions for this client (${limit}): end one with DELETE, or retry after ${seconds}s`,
      { ...retryAfter(seconds, options), data: { retryAfterSeconds: seconds, limit } },
    );
    this.retryAfterSeconds = seconds;
  }
}

/** 503 with Retry-After: 1: the registry is draining, or the shared session store is unreachable. */
export class SessionsUnavailableError extends RunwayError {
  override readonly name: string = 'SessionsUnavailableError';
  constructor(message: string, options: RunwayErrorOptions = {}) {
    super(AppErrorCode.ServiceUnavailable, 503, message, retryAfter(1, options));
  }
}

/**
 * 400, -32602 (invalid params): the part of an initialize a session keeps (protocol version,
 * capabilities, client name and version) is larger than SESSION_INITIALIZE_MAX_BYTES. A session
 * keeps it for its whole life, so it is bounded whatever the body limit allows.
 */
export class InitializeTooLargeError extends RunwayError {
  override readonly name: string = 'InitializeTooLargeError';
  constructor(bytes: number, limitBytes: number, options: RunwayErrorOptions = {}) {
    super(
      JsonRpcErrorCode.InvalidParams,
      400,
      `Invalid params: initialize's protocolVersion, capabilities and clientInfo take ${bytes} bytes; this server keeps at most ${limitBytes} bytes of them`,
      { ...options, data: { bytes, limitBytes } },
    );
  }
}
