import { createHash } from 'node:crypto';
import { ServiceUnavailableError } from '@mcp-runway/errors';
import type { Logger } from '@mcp-runway/logging';
import { type Challenge, unauthorized } from './challenge.js';
import { principalFromClaims, type TokenClaims } from './claims.js';
import { bearerToken } from './credentials.js';
import type { Authenticator, Principal } from './principal.js';

export interface IntrospectionAuthenticatorOptions {
  /** The authorization server's RFC 7662 endpoint (`introspection_endpoint` in its metadata). */
  introspectionUrl: string;
  /** This server's own client registration at the authorization server, used to call it. */
  clientId: string;
  clientSecret: string;
  /** Expected `iss` when the answer carries one. */
  issuer: string;
  /** This server's canonical resource URI: the answer's `aud` must include it. */
  audience: string;
  challenge: Challenge;
  /** @default 30 */
  clockToleranceSeconds?: number;
  /**
   * How long an active answer is reused (never past the token's `exp`). It is also how long
   * a revoked token keeps working here, so keep it short. @default 30_000
   */
  cacheTtlMs?: number;
  /** @default 10_000 */
  cacheMaxEntries?: number;
  /**
   * How long a refusal (inactive, foreign, expired...) is remembered, so a token sent again
   * and again costs one introspection call. An outage (503) is never remembered. @default 30_000
   */
  negativeCacheTtlMs?: number;
  /**
   * Refusals remembered at once. Kept apart from the active answers, so a flood of random
   * tokens pushes out only other refusals, never a working client's entry. @default 10_000
   */
  negativeCacheMaxEntries?: number;
  /** @default 5_000 */
  timeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  logger?: Logger;
}

interface IntrospectionAnswer extends TokenClaims {
  active?: unknown;
  aud?: unknown;
  iss?: unknown;
}

function audiences(aud: unknown): unknown[] {
  return Array.isArray(aud) ? aud : [aud];
}

/** RFC 6749 §2.3.1: both parts are form-encoded before they are joined and base64-encoded. */
function basicAuth(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replaceAll('%20', '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/**
 * OAuth 2.1 resource server over opaque tokens: each new token is sent to the authorization
 * server's introspection endpoint (RFC 7662) and accepted only if it is `active`, meant for
 * this resource (`aud`), from the expected issuer and unexpired. Answers are cached briefly
 * under the token's hash (never the token): an active one, so a client's burst of calls costs
 * one round trip; a refusal, so repeating a bad token does not reach the authorization server.
 */
export function createIntrospectionAuthenticator(
  options: IntrospectionAuthenticatorOptions,
): Authenticator {
  const { issuer, audience, challenge, logger } = options;
  const skew = options.clockToleranceSeconds ?? 30;
  const ttlMs = options.cacheTtlMs ?? 30_000;
  const maxEntries = options.cacheMaxEntries ?? 10_000;
  const doFetch = options.fetch ?? globalThis.fetch;
  const authorization = basicAuth(options.clientId, options.clientSecret);
  const cache = new Map<string, { principal: Principal; until: number }>();
  const negativeTtlMs = options.negativeCacheTtlMs ?? 30_000;
  const negativeMaxEntries = options.negativeCacheMaxEntries ?? 10_000;
  const refused = new Map<string, { reason: string; description: string; until: number }>();

  /** Map keeps insertion order: the first key is the oldest entry, a fair one to drop. */
  function remember<V>(map: Map<string, V>, max: number, key: string, value: V): void {
    if (map.size >= max) map.delete(map.keys().next().value as string);
    map.set(key, value);
  }

  async function introspect(token: string): Promise<IntrospectionAnswer> {
    let response: Response;
    try {
      response = await doFetch(options.introspectionUrl, {
        method: 'POST',
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
      if (!response.ok) throw new Error(`introspection answered HTTP ${response.status}`);
      return (await response.json()) as IntrospectionAnswer;
    } catch (error) {
      logger?.error(
        { err: error, introspectionUrl: options.introspectionUrl },
        'cannot introspect access tokens',
      );
      throw new ServiceUnavailableError('Service unavailable: cannot verify access tokens now', {
        cause: error,
        headers: { 'Retry-After': '5' },
      });
    }
  }

  function refuse(reason: string, description: string, key?: string): never {
    logger?.info({ kind: 'oauth', reason }, 'authentication refused');
    if (key !== undefined) {
      remember(refused, negativeMaxEntries, key, {
        reason,
        description,
        until: Date.now() + negativeTtlMs,
      });
    }
    throw unauthorized(challenge, description);
  }

  return {
    async authenticate(credentials) {
      const token = bearerToken(credentials, challenge);
      if (token === undefined) throw unauthorized(challenge);
      const now = Date.now();
      const key = createHash('sha256').update(token).digest('base64url');
      const hit = cache.get(key);
      if (hit && hit.until > now) return hit.principal;
      if (hit) cache.delete(key);
      const miss = refused.get(key);
      if (miss && miss.until > now) refuse(miss.reason, miss.description);
      if (miss) refused.delete(key);

      const answer = await introspect(token);
      if (answer.active !== true) refuse('inactive', 'The access token is not active', key);
      if (!audiences(answer.aud).includes(audience))
        refuse('audience', 'The access token was not issued for this resource', key);
      if (answer.iss !== undefined && answer.iss !== issuer)
        refuse(
          'issuer',
          'The access token was not issued by the trusted authorization server',
          key,
        );
      if (typeof answer.exp !== 'number' || answer.exp * 1000 < now - skew * 1000)
        refuse('expired', 'The access token expired', key);
      const principal = principalFromClaims(answer, audience);
      if (!principal) refuse('subject', 'The access token names no subject or client', key);

      remember(cache, maxEntries, key, {
        principal,
        until: Math.min(now + ttlMs, answer.exp * 1000),
      });
      return principal;
    },
  };
}
