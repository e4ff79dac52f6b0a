import { describe, expect, it } from 'vitest';
import {
  AppErrorCode,
  errorCatalog,
  InternalError,
  isReservedCode,
  JsonRpcErrorCode,
  MethodNotAllowedError,
  RateLimitedError,
  ToolError,
  toErrorResponse,
  toToolErrorResult,
  UnauthorizedError,
  UnsupportedProtocolVersionError,
} from './index.js';

describe('error codes', () => {
  it('keeps every application code outside the range reserved for JSON-RPC and the spec', () => {
    for (const code of Object.values(AppErrorCode)) expect(isReservedCode(code)).toBe(false);
  });

  it('lists every named code exactly once in the catalog', () => {
    const named = [...Object.values(JsonRpcErrorCode), ...Object.values(AppErrorCode)];
    const catalogued = errorCatalog.map((info) => info.code);
    expect(new Set(catalogued).size).toBe(catalogued.length);
    expect([...catalogued].sort()).toEqual([...named].sort());
  });
});

describe('toErrorResponse', () => {
  it('answers every limit alike: which one refused stays on the error, out of the body', () => {
    const error = new RateLimitedError(1, { limit: 'concurrent_calls' });
    expect(error.limit).toBe('concurrent_calls');
    expect(toErrorResponse(error, 7)).toEqual(toErrorResponse(new RateLimitedError(1), 7));
  });

  it('keeps the code, status, data and headers of an error raised on purpose', () => {
    const response = toErrorResponse(new RateLimitedError(2.2), 7);
    expect(response.httpStatus).toBe(429);
    expect(response.headers).toEqual({ 'Retry-After': '3' });
    expect(response.body).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: {
        code: -31429,
        message: 'Rate limit exceeded: retry after 3s',
        data: { retryAfterSeconds: 3 },
      },
    });
  });

  it('lists the served versions in an unsupported-version error', () => {
    const { body, httpStatus } = toErrorResponse(
      new UnsupportedProtocolVersionError('1999-01-01', ['2026-07-28', '2025-11-25']),
    );
    expect(httpStatus).toBe(400);
    expect(body.error.code).toBe(-32022);
    expect(body.error.data).toEqual({
      supported: ['2026-07-28', '2025-11-25'],
      requested: '1999-01-01',
    });
  });

  it('sets Allow on a 405', () => {
    expect(toErrorResponse(new MethodNotAllowedError('GET', ['POST'])).headers).toEqual({
      Allow: 'POST',
    });
  });

  it('passes through protocol errors with a known code, such as the SDK throws', () => {
    const sdkLike = Object.assign(new Error('Header mismatch'), { code: -32020 });
    expect(toErrorResponse(sdkLike, 'a').body.error).toEqual({
      code: -32020,
      message: 'Header mismatch',
    });
  });

  it('hides the message, stack and cause of an unexpected error', () => {
    const secretError = new Error('connect ECONNREFUSED redis://:hunter2@10.0.0.5');
    const response = toErrorResponse(secretError, 1);
    expect(response.httpStatus).toBe(500);
    expect(response.body.error).toEqual({ code: -32603, message: 'Internal error' });
    expect(JSON.stringify(response)).not.toContain('hunter2');
  });

  it('never serializes the cause of an error raised on purpose', () => {
    const error = new UnauthorizedError('Invalid token', {
      cause: new Error('sig mismatch for eyJsecret'),
    });
    expect(JSON.stringify(toErrorResponse(error))).not.toContain('eyJsecret');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('answers 500 for an InternalError with its safe message', () => {
    expect(toErrorResponse(new InternalError()).httpStatus).toBe(500);
  });
});

describe('toToolErrorResult', () => {
  it('shows the model the message of a domain failure', () => {
    expect(toToolErrorResult(new ToolError('No note N-9'))).toEqual({
      content: [{ type: 'text', text: 'No note N-9' }],
      isError: true,
    });
  });

  it('reports an unexpected failure generically with a reference', () => {
    const result = toToolErrorResult(
      new TypeError('cannot read x of undefined at /srv/app.js:1'),
      'req-1',
    );
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toContain('reference req-1');
    expect(result.content[0]?.text).not.toContain('/srv/app.js');
  });
});
