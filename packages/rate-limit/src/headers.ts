import { RateLimitedError } from '@mcp-runway/errors';
import type { RateLimitDecision } from './limiter.js';

/**
 * The IETF draft's `RateLimit-*` headers (draft-ietf-httpapi-ratelimit-headers), all in
 * seconds or points, for every answer the limiter saw: clients can slow down before a 429.
 */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(decision.resetSeconds),
  };
}

/**
 * The error for a refusal: HTTP 429, code -31429, `Retry-After`, plus the `RateLimit-*`
 * headers. Throw it; the app's error handler turns it into the response.
 */
export function rateLimitedError(decision: RateLimitDecision): RateLimitedError {
  return new RateLimitedError(decision.retryAfterSeconds ?? decision.resetSeconds, {
    headers: rateLimitHeaders(decision),
  });
}
