import { AppErrorCode, JsonRpcErrorCode } from './codes.js';

export interface RunwayErrorOptions {
  /** The underlying failure. Logged by the server, never sent to the client. */
  cause?: unknown;
  /** Client-safe structured detail sent as the JSON-RPC error's `data`. */
  data?: unknown;
  /** HTTP headers that belong with this error (WWW-Authenticate, Retry-After, Allow...). */
  headers?: Readonly<Record<string, string>>;
}

/**
 * Base class of every error the template raises on purpose. Its `message` is written for
 * the client and must never contain secrets; put internals in `cause`.
 */
export class RunwayError extends Error {
  override readonly name: string = 'RunwayError';
  readonly code: number;
  readonly httpStatus: number;
  readonly data: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: number, httpStatus: number, message: string, options: RunwayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.httpStatus = httpStatus;
    this.data = options.data;
    this.headers = options.headers ?? {};
  }
}

export class ParseError extends RunwayError {
  override readonly name = 'ParseError';
  constructor(message = 'Parse error: the body is not valid JSON', options?: RunwayErrorOptions) {
    super(JsonRpcErrorCode.ParseError, 400, message, options);
  }
}

export class InvalidRequestError extends RunwayError {
  override readonly name = 'InvalidRequestError';
  constructor(message = 'Invalid request', options?: RunwayErrorOptions) {
    super(JsonRpcErrorCode.InvalidRequest, 400, message, options);
  }
}

export class MethodNotFoundError extends RunwayError {
  override readonly name = 'MethodNotFoundError';
  constructor(method: string, options?: RunwayErrorOptions) {
    super(JsonRpcErrorCode.MethodNotFound, 404, `Method not found: ${method}`, options);
  }
}

export class InvalidParamsError extends RunwayError {
  override readonly name = 'InvalidParamsError';
  constructor(message = 'Invalid params', options?: RunwayErrorOptions) {
    super(JsonRpcErrorCode.InvalidParams, 400, message, options);
  }
}

export class InternalError extends RunwayError {
  override readonly name = 'InternalError';
  constructor(message = 'Internal error', options?: RunwayErrorOptions) {
    super(JsonRpcErrorCode.InternalError, 500, message, options);
  }
}

export class HeaderMismatchError extends RunwayError {
  override readonly name = 'HeaderMismatchError';
  constructor(header: string, options?: RunwayErrorOptions) {
    super(
      JsonRpcErrorCode.HeaderMismatch,
      400,
      `Header mismatch: ${header} does not match the request body`,
      options,
    );
  }
}

export class UnsupportedProtocolVersionError extends RunwayError {
  override readonly name = 'UnsupportedProtocolVersionError';
  constructor(requested: string, supported: readonly string[], options: RunwayErrorOptions = {}) {
    super(
      JsonRpcErrorCode.UnsupportedProtocolVersion,
      400,
      `Unsupported protocol version: ${requested}`,
      {
        ...options,
        data: { supported: [...supported], requested },
      },
    );
  }
}

export class UnauthorizedError extends RunwayError {
  override readonly name = 'UnauthorizedError';
  constructor(message = 'Unauthorized', options?: RunwayErrorOptions) {
    super(AppErrorCode.Unauthorized, 401, message, options);
  }
}

export class ForbiddenError extends RunwayError {
  override readonly name = 'ForbiddenError';
  constructor(message = 'Forbidden', options?: RunwayErrorOptions) {
    super(AppErrorCode.Forbidden, 403, message, options);
  }
}

export class NotFoundError extends RunwayError {
  override readonly name = 'NotFoundError';
  constructor(message = 'Not found', options?: RunwayErrorOptions) {
    super(AppErrorCode.NotFound, 404, message, options);
  }
}

export class MethodNotAllowedError extends RunwayError {
  override readonly name = 'MethodNotAllowedError';
  constructor(method: string, allowed: readonly string[], options: RunwayErrorOptions = {}) {
    super(AppErrorCode.MethodNotAllowed, 405, `Method not allowed: ${method}`, {
      ...options,
      headers: { Allow: allowed.join(', '), ...options.headers },
    });
  }
}

export class NotAcceptableError extends RunwayError {
  override readonly name = 'NotAcceptableError';
  constructor(
    message = 'Not acceptable: Accept must list application/json and text/event-stream',
    options?: RunwayErrorOptions,
  ) {
    super(AppErrorCode.NotAcceptable, 406, message, options);
  }
}

export class RequestTimeoutError extends RunwayError {
  override readonly name = 'RequestTimeoutError';
  constructor(timeoutMs: number, options: RunwayErrorOptions = {}) {
    super(
      AppErrorCode.RequestTimeout,
      408,
      `Request timeout: the body did not arrive within ${timeoutMs} ms`,
      { ...options, data: { timeoutMs } },
    );
  }
}

export class PayloadTooLargeError extends RunwayError {
  override readonly name = 'PayloadTooLargeError';
  constructor(limitBytes: number, options: RunwayErrorOptions = {}) {
    super(
      AppErrorCode.PayloadTooLarge,
      413,
      `Payload too large: the limit is ${limitBytes} bytes`,
      {
        ...options,
        data: { limitBytes },
      },
    );
  }
}

export class UnsupportedMediaTypeError extends RunwayError {
  override readonly name = 'UnsupportedMediaTypeError';
  constructor(
    message = 'Unsupported media type: Content-Type must be application/json',
    options?: RunwayErrorOptions,
  ) {
    super(AppErrorCode.UnsupportedMediaType, 415, message, options);
  }
}

export interface RateLimitedErrorOptions extends RunwayErrorOptions {
  /**
   * Which limit refused (`global`, `tool`, `concurrent_calls`, `auth_failures`...), for
   * metrics and logs. Every limit answers the client the same way, so it is not sent.
   */
  limit?: string;
}

export class RateLimitedError extends RunwayError {
  override readonly name = 'RateLimitedError';
  readonly retryAfterSeconds: number;
  readonly limit: string | undefined;
  constructor(retryAfterSeconds: number, options: RateLimitedErrorOptions = {}) {
    const { limit, ...rest } = options;
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(AppErrorCode.RateLimited, 429, `Rate limit exceeded: retry after ${seconds}s`, {
      ...rest,
      data: { retryAfterSeconds: seconds },
      headers: { 'Retry-After': String(seconds), ...rest.headers },
    });
    this.retryAfterSeconds = seconds;
    this.limit = limit;
  }
}

export class ServiceUnavailableError extends RunwayError {
  override readonly name = 'ServiceUnavailableError';
  constructor(message = 'Service unavailable', options?: RunwayErrorOptions) {
    super(AppErrorCode.ServiceUnavailable, 503, message, options);
  }
}

/**
 * A failure the model should read and recover from ("no note N-9; known ids: ..."). Tool
 * handlers throw it; {@link toToolErrorResult} turns it into an `isError: true` result with
 * this message, while any other error becomes a generic message.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
