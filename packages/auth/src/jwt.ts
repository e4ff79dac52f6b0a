import { ServiceUnavailableError } from '@mcp-runway/errors';
import type { Logger } from '@mcp-runway/logging';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWSAlgorithm,
  jwtVerify,
} from 'jose';
import { type Challenge, unauthorized } from './challenge.js';
import { principalFromClaims } from './claims.js';
import { bearerToken } from './credentials.js';
import type { Authenticator } from './principal.js';

export interface JwtAuthenticatorOptions {
  /** The authorization server's issuer identifier, exactly as it puts it in `iss`. */
  issuer: string;
  /** This server's canonical resource URI (see `canonicalResourceUri`): the only accepted `aud`. */
  audience: string;
  /** The issuer's JWKS, usually its metadata's `jwks_uri`. */
  jwksUrl?: string;
  /**
   * The issuer's public keys, held in this process: the built-in authorization server's
   * (@mcp-runway/authorization-server), whose keys come from the same configuration. Instead
   * of `jwksUrl`; rotation is a redeploy with the new key set.
   */
  jwks?: JSONWebKeySet;
  challenge: Challenge;
  /** Leeway for `exp` and `nbf` against clock drift between us and the issuer. @default 30 */
  clockToleranceSeconds?: number;
  /** Signature algorithms accepted; symmetric ones are left out on purpose. @default asymmetric JWS algorithms */
  algorithms?: readonly JWSAlgorithm[];
  /** Require this `typ` header, e.g. `at+jwt` (RFC 9068) when your issuer sets it. @default not checked */
  typ?: string;
  /** Keys are refetched at most this often when a token names an unknown `kid`. @default 30_000 */
  jwksCooldownMs?: number;
  /** Cached keys are refreshed after this long even without an unknown `kid`. @default 600_000 */
  jwksCacheMaxAgeMs?: number;
  /** @default 5_000 */
  jwksTimeoutMs?: number;
  /**
   * Asked after the signature and claims verify: is the token still alive at its issuer (its
   * grant not revoked)? `false` refuses it (401 `invalid_token`); a throw means the answer
   * could not be had (503, the client keeps its token). The built-in authorization server's
   * `isTokenActive`; unset, a JWT lives out its `exp`.
   */
  isActive?: (claims: Readonly<Record<string, unknown>>) => Promise<boolean>;
  logger?: Logger;
}

const ASYMMETRIC: readonly JWSAlgorithm[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

/** jose failures that mean "this token is not good", as opposed to "we could not check it". */
const REFUSALS = new Set<string>([
  errors.JWTExpired.code,
  errors.JWTClaimValidationFailed.code,
  errors.JWSSignatureVerificationFailed.code,
  errors.JWSInvalid.code,
  errors.JWTInvalid.code,
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
  errors.JOSEAlgNotAllowed.code,
  errors.JOSENotSupported.code,
]);

/** A client-safe reason: which check failed, never the token or its claims. */
function reasonFor(error: errors.JOSEError): string {
  if (error instanceof errors.JWTExpired) return 'The access token expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'The access token was not issued for this resource';
    if (error.claim === 'iss')
      return 'The access token was not issued by the trusted authorization server';
    return `The access token's ${error.claim} claim is invalid`;
  }
  return 'The access token is malformed or its signature does not verify';
}

/**
 * OAuth 2.1 resource server over JWT access tokens: signature against the issuer's JWKS,
 * `iss`, `exp`/`nbf` with a little skew, and `aud` equal to this server's resource URI
 * (RFC 8707), so a token minted for any other service is refused.
 *
 * The JWKS is fetched once and cached; a token naming an unknown `kid` (key rotation)
 * triggers a refetch at most once per cooldown, so a flood of forged `kid`s cannot turn into a
 * flood of requests to the issuer.
 */
export function createJwtAuthenticator(options: JwtAuthenticatorOptions): Authenticator {
  const { issuer, audience, challenge, logger } = options;
  if (!options.jwks && !options.jwksUrl)
    throw new Error('createJwtAuthenticator needs jwksUrl or jwks');
  const jwks = options.jwks
    ? createLocalJWKSet(options.jwks)
    : createRemoteJWKSet(new URL(options.jwksUrl as string), {
        cooldownDuration: options.jwksCooldownMs ?? 30_000,
        cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
        timeoutDuration: options.jwksTimeoutMs ?? 5_000,
      });
  const verifyOptions = {
    issuer,
    audience,
    clockTolerance: options.clockToleranceSeconds ?? 30,
    algorithms: [...(options.algorithms ?? ASYMMETRIC)],
    requiredClaims: ['exp'],
    ...(options.typ !== undefined && { typ: options.typ }),
  };

  return {
    async authenticate(credentials) {
      const token = bearerToken(credentials, challenge);
      if (token === undefined) throw unauthorized(challenge);
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, jwks, verifyOptions));
      } catch (error) {
        if (error instanceof errors.JOSEError && REFUSALS.has(error.code)) {
          // The code and claim only: a claim failure's error object carries the whole payload.
          const claim = error instanceof errors.JWTClaimValidationFailed ? error.claim : undefined;
          logger?.info({ kind: 'oauth', reason: error.code, claim }, 'authentication refused');
          throw unauthorized(challenge, reasonFor(error));
        }
        // The JWKS could not be fetched or read: our outage, not the caller's fault. A 401
        // here would make every client throw its good token away and re-authorize.
        logger?.error({ err: error, jwksUrl: options.jwksUrl }, 'cannot verify access tokens');
        throw new ServiceUnavailableError('Service unavailable: cannot verify access tokens now', {
          cause: error,
          headers: { 'Retry-After': '5' },
        });
      }
      if (options.isActive) {
        let active: boolean;
        try {
          active = await options.isActive(payload);
        } catch (error) {
          logger?.error({ err: error }, 'cannot check whether access tokens are revoked');
          throw new ServiceUnavailableError('Service unavailable: cannot check access tokens now', {
            cause: error,
            headers: { 'Retry-After': '5' },
          });
        }
        if (!active) {
          logger?.info({ kind: 'oauth', reason: 'revoked' }, 'authentication refused');
          throw unauthorized(challenge, 'The access token was revoked');
        }
      }
      const principal = principalFromClaims(payload, audience);
      if (!principal) throw unauthorized(challenge, 'The access token names no subject or client');
      return principal;
    },
  };
}
