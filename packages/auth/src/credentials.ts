import { type Challenge, malformedCredentials } from './challenge.js';
import type { Credentials } from './principal.js';

/** RFC 6750 b64token: what a Bearer credential may contain. JWTs and our API keys both fit. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const BEARER = /^bearer(?: +(.*))?$/i;
/** Far above any real access token; stops us hashing or parsing megabytes per request. */
export const MAX_CREDENTIAL_LENGTH = 8192;

function checked(token: string, challenge: Challenge, where: string): string {
  if (token.length > MAX_CREDENTIAL_LENGTH || !TOKEN68.test(token)) {
    throw malformedCredentials(challenge, `${where} must carry exactly one well-formed token`);
  }
  return token;
}

/**
 * The Bearer token of an `Authorization` header. Undefined when there is no header or it
 * uses another scheme (Basic...): that is a request without our credentials, answered with
 * a plain 401. A Bearer header with a malformed value (two headers joined by a comma, spaces,
 * an empty token) is a 400 `invalid_request`.
 */
export function bearerToken(credentials: Credentials, challenge: Challenge): string | undefined {
  const header = credentials.authorization?.trim();
  if (!header) return undefined;
  const match = BEARER.exec(header);
  if (!match) return undefined;
  return checked(match[1]?.trim() ?? '', challenge, 'the Authorization header');
}

/**
 * The credential a request presents: the Bearer token, else (when allowed) `X-API-Key`.
 * When both are sent, Authorization wins: one request, one credential, checked once.
 */
export function presentedCredential(
  credentials: Credentials,
  challenge: Challenge,
  acceptApiKeyHeader: boolean,
): string | undefined {
  const bearer = bearerToken(credentials, challenge);
  if (bearer !== undefined || !acceptApiKeyHeader) return bearer;
  const apiKey = credentials.apiKey?.trim();
  return apiKey ? checked(apiKey, challenge, 'the X-API-Key header') : undefined;
}
