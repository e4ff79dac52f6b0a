/**
 * Reads a pipeline refusal (the error a middleware threw) as a metric label. Framework-neutral:
 * the Hono adapter passes `c.error`, an Express adapter the error its error handler receives.
 */
import { type AuthFailureReason, RATE_LIMIT_SCOPES, type RateLimitScope } from './labels.js';

interface HttpError {
  httpStatus?: unknown;
  headers?: unknown;
  /** `RateLimitedError.limit`: which limit refused. */
  limit?: unknown;
}

function asHttpError(error: unknown): HttpError | undefined {
  return typeof error === 'object' && error !== null ? (error as HttpError) : undefined;
}

function challengeOf(error: HttpError | undefined): string | undefined {
  const headers = error?.headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const record = headers as Record<string, unknown>;
  const value = record['WWW-Authenticate'] ?? record['www-authenticate'];
  return typeof value === 'string' ? value : undefined;
}

const BEARER_ERROR = /\berror="([a-z_]+)"/;

/**
 * Why an error refused a request's credentials, read from its RFC 6750 `WWW-Authenticate`
 * challenge (the @mcp-runway/auth errors all carry one): no `error` parameter means no
 * credentials were sent (`missing`), `invalid_token` an expired, revoked or foreign one
 * (`invalid`), `invalid_request` a malformed header (`malformed`), `insufficient_scope` a
 * step-up 403. Undefined for anything that is not an auth refusal (a 403 for a bad Origin
 * carries no challenge).
 */
export function authFailureReason(error: unknown): AuthFailureReason | undefined {
  const challenge = challengeOf(asHttpError(error));
  if (challenge === undefined || !/^bearer\b/i.test(challenge)) return undefined;
  const code = BEARER_ERROR.exec(challenge)?.[1];
  switch (code) {
    case undefined:
      return 'missing';
    case 'invalid_token':
      return 'invalid';
    case 'invalid_request':
      return 'malformed';
    case 'insufficient_scope':
      return 'insufficient_scope';
    default:
      return 'other';
  }
}

/** True for a rate-limit refusal (`RateLimitedError`, HTTP 429). */
export function isRateLimited(error: unknown): boolean {
  return asHttpError(error)?.httpStatus === 429;
}

/**
 * The limit a 429 names (`RateLimitedError.limit`), when it is one of the closed list;
 * undefined when it names none (the budget's own refusals do not say which budget) or a name
 * the list does not know, which must not become a series.
 */
export function rateLimitScope(error: unknown): RateLimitScope | undefined {
  const refusal = asHttpError(error);
  if (refusal?.httpStatus !== 429 || typeof refusal.limit !== 'string') return undefined;
  const { limit } = refusal;
  return (RATE_LIMIT_SCOPES as readonly string[]).includes(limit)
    ? (limit as RateLimitScope)
    : undefined;
}
