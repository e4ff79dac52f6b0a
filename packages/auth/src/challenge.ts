import {
  ForbiddenError,
  InvalidRequestError,
  RunwayError,
  UnauthorizedError,
} from '@mcp-runway/errors';
import type { Principal } from './principal.js';

/** What every `WWW-Authenticate` challenge of this server says about itself. */
export interface Challenge {
  /**
   * The RFC 9728 metadata URL (see `prmUrls`). It is how a client that got a 401 finds the
   * authorization server, so OAuth mode must set it; API-key mode has nothing to point at.
   */
  resourceMetadataUrl?: string;
  /**
   * Scopes a client should ask for up front: the 401's `scope`, which the MCP scope selection
   * strategy prefers over `scopes_supported`. Keep it small; tools needing more get a 403
   * step-up challenge when called.
   */
  scopes?: readonly string[];
}

type BearerError = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

export interface BearerChallengeParams {
  error?: BearerError;
  errorDescription?: string;
  scopes?: readonly string[];
  resourceMetadataUrl?: string;
}

/** An RFC 7230 quoted-string: escape `\` and `"`, drop anything a header cannot carry. */
function quoted(value: string): string {
  return `"${value.replaceAll(/[\\"]/g, '\\$&').replaceAll(/[^\x20-\x7e]/g, ' ')}"`;
}

/**
 * Formats an RFC 6750 `WWW-Authenticate: Bearer ...` value. Parameters come in the order the
 * SDK's own challenges use, and every value is quoted, so any client parser reads them.
 */
export function bearerChallenge(params: BearerChallengeParams): string {
  const parts: string[] = [];
  if (params.error) parts.push(`error=${quoted(params.error)}`);
  if (params.errorDescription) parts.push(`error_description=${quoted(params.errorDescription)}`);
  if (params.scopes?.length) parts.push(`scope=${quoted(params.scopes.join(' '))}`);
  if (params.resourceMetadataUrl)
    parts.push(`resource_metadata=${quoted(params.resourceMetadataUrl)}`);
  return parts.length ? `Bearer ${parts.join(', ')}` : 'Bearer';
}

function challengeHeaders(
  challenge: Challenge,
  error?: BearerError,
  description?: string,
): Record<string, string> {
  const params: BearerChallengeParams = { ...challenge };
  if (error) params.error = error;
  if (description) params.errorDescription = description;
  return { 'WWW-Authenticate': bearerChallenge(params) };
}

/**
 * 401. Without a `description` the request carried no credentials, so (RFC 6750 §3.1) the
 * challenge names no error; with one, a credential was presented and refused: `invalid_token`.
 * The description is sent to the client: it says what was wrong, never what was presented.
 */
export function unauthorized(challenge: Challenge, description?: string): UnauthorizedError {
  const error = description ? 'invalid_token' : undefined;
  return new UnauthorizedError(
    description ? `Unauthorized: ${description}` : 'Unauthorized: credentials required',
    { headers: challengeHeaders(challenge, error, description) },
  );
}

/** 400 for an `Authorization` header that is not one well-formed Bearer credential. */
export function malformedCredentials(
  challenge: Challenge,
  description: string,
): InvalidRequestError {
  return new InvalidRequestError(`Invalid request: ${description}`, {
    headers: challengeHeaders(challenge, 'invalid_request', description),
  });
}

/**
 * 403 `insufficient_scope` when the principal lacks any of `required`, else undefined. The
 * challenge names only this operation's scopes (RFC 6750 §3.1, MCP 2026-07-28): clients add
 * them to what they already hold, then re-authorize (step-up) and retry.
 */
export function checkScopes(
  principal: Principal,
  required: readonly string[],
  challenge: Challenge,
): ForbiddenError | undefined {
  if (required.every((scope) => principal.scopes.includes(scope))) return undefined;
  const description = `this call needs scope ${required.join(' ')}`;
  return new ForbiddenError(`Forbidden: ${description}`, {
    data: { requiredScopes: [...required] },
    headers: challengeHeaders(
      { ...challenge, scopes: required },
      'insufficient_scope',
      description,
    ),
  });
}

/**
 * Whether an authentication error refused a credential the caller presented: a wrong key, a
 * bad, foreign or expired token (401 `invalid_token`), a malformed header (400
 * `invalid_request`). Not a request without credentials (a client's first step), and not our
 * own outage (503): what a failed-authentication limit counts.
 */
export function isRefusedCredential(error: unknown): boolean {
  if (!(error instanceof RunwayError)) return false;
  if (error.httpStatus !== 401 && error.httpStatus !== 400) return false;
  const challenge = error.headers['WWW-Authenticate'] ?? '';
  return /\berror="(invalid_token|invalid_request)"/.test(challenge);
}
