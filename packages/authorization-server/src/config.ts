/**
 * The built-in authorization server's variables (AUTH_MODE=oauth with OAUTH_SERVER=builtin,
 * both declared by @mcp-runway/auth's piece) and the refusals that keep it from starting
 * unsafe off loopback: no signing key, no encryption key, an `http://` issuer or upstream.
 */
import { boolean, configPiece, isLoopbackAddress, positiveInt, secret } from '@mcp-runway/config';
import { z } from 'zod';
import { parseSigningKeys } from './keys.js';
import { parseScopeMap } from './scope-map.js';
import { parseEncryptionKeys } from './upstream-tokens.js';

function seconds(defaultValue: number) {
  return z.coerce.number().int().positive().default(defaultValue);
}

export const authorizationServerConfig = configPiece(
  {
    /** The company identity provider people log in with (OpenID Connect discovery). */
    UPSTREAM_ISSUER: z.url().optional(),
    /** This server's client at the upstream provider. */
    UPSTREAM_CLIENT_ID: z.string().optional(),
    UPSTREAM_CLIENT_SECRET: secret(z.string().optional()),
    /**
     * Scopes asked of the upstream provider at login, space- or comma-separated.
     * Unset: `openid email profile` (OpenID Connect), none (OAuth 2.0).
     */
    UPSTREAM_SCOPES: z
      .string()
      .optional()
      .transform((value) => value?.split(/[\s,]+/).filter(Boolean)),
    /**
     * A plain OAuth 2.0 provider (GitHub's shape) instead of OpenID Connect discovery: its
     * authorization, token and user-info endpoints, and the user-info member naming the person.
     */
    UPSTREAM_AUTHORIZATION_URL: z.url().optional(),
    UPSTREAM_TOKEN_URL: z.url().optional(),
    UPSTREAM_USERINFO_URL: z.url().optional(),
    UPSTREAM_SUBJECT_CLAIM: z.string().default('sub'),
    /**
     * Which signed-in people may be granted which MCP scope, from their upstream claims:
     * `scope=rule rule; scope=rule`, a rule being `*` or `claim:value` (`groups:editors`).
     * Unset: everyone who signs in may be granted every scope.
     */
    OAUTH_SCOPE_MAP: z.string().optional(),
    /** The private JWK set access tokens are signed with (first key signs; the rest verify). */
    OAUTH_SIGNING_KEYS: secret(z.string().optional()),
    /**
     * At least 32 characters: the cookie keys, the consent tokens and the key upstream tokens
     * are sealed with derive from it. Rotation: comma-separated `kid:secret` entries, the new
     * one first (it seals and signs; every entry opens and verifies).
     */
    OAUTH_ENCRYPTION_KEY: secret(z.string().min(32).optional()),
    /** Pre-registered clients: a JSON array of client metadata (RFC 7591 names). */
    OAUTH_CLIENTS: secret(z.string().optional()),
    /** Dynamic Client Registration (RFC 7591), for 2025-11-25 hosts. */
    OAUTH_DCR: boolean(true),
    /** Dynamic registrations one client address may make per OAUTH_DCR_WINDOW_S (429 beyond). */
    OAUTH_DCR_LIMIT: positiveInt(20),
    OAUTH_DCR_WINDOW_S: seconds(3600),
    /**
     * Authorization requests (each opens a sign-in held ten minutes) one client address may
     * start per OAUTH_ENDPOINT_WINDOW_S; beyond, a 429 page with Retry-After.
     */
    OAUTH_AUTHORIZE_LIMIT: positiveInt(60),
    /** Token and revocation requests one client address may make per window (429 beyond). */
    OAUTH_TOKEN_LIMIT: positiveInt(120),
    OAUTH_ENDPOINT_WINDOW_S: seconds(60),
    /** A client registered by DCR and not used for this long is forgotten. */
    OAUTH_DCR_CLIENT_IDLE_TTL_S: seconds(30 * 24 * 3600),
    /** Client ID Metadata Documents (an HTTPS `client_id`), for 2026-07-28 hosts. */
    OAUTH_CIMD: boolean(true),
    OAUTH_ACCESS_TOKEN_TTL_S: seconds(600),
    OAUTH_REFRESH_TOKEN_TTL_S: seconds(14 * 24 * 3600),
    /**
     * How long a replica reuses a "this access token's grant is not revoked" answer
     * (milliseconds). 0: the state store is asked on every call.
     */
    OAUTH_REVOCATION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  },
  (config, problem) => {
    if (config.AUTH_MODE !== 'oauth' || config.OAUTH_SERVER !== 'builtin') return;
    const host = typeof config.HOST === 'string' ? config.HOST : '127.0.0.1';
    const local = isLoopbackAddress(host);
    const oauth2 = [
      config.UPSTREAM_AUTHORIZATION_URL,
      config.UPSTREAM_TOKEN_URL,
      config.UPSTREAM_USERINFO_URL,
    ];
    if (oauth2.some(Boolean) && !oauth2.every(Boolean))
      problem(
        'UPSTREAM_AUTHORIZATION_URL',
        'a plain OAuth 2.0 provider needs UPSTREAM_AUTHORIZATION_URL, UPSTREAM_TOKEN_URL and UPSTREAM_USERINFO_URL',
      );
    if (!config.UPSTREAM_ISSUER && !oauth2.some(Boolean))
      problem(
        'UPSTREAM_ISSUER',
        'OAUTH_SERVER=builtin needs the identity provider people log in with (or its OAuth 2.0 endpoints)',
      );
    if (!config.UPSTREAM_CLIENT_ID)
      problem('UPSTREAM_CLIENT_ID', "OAUTH_SERVER=builtin needs this server's client id upstream");
    if (config.OAUTH_SIGNING_KEYS) {
      try {
        parseSigningKeys(config.OAUTH_SIGNING_KEYS);
      } catch (error) {
        problem('OAUTH_SIGNING_KEYS', (error as Error).message);
      }
    }
    if (config.OAUTH_ENCRYPTION_KEY) {
      try {
        parseEncryptionKeys(config.OAUTH_ENCRYPTION_KEY);
      } catch (error) {
        problem('OAUTH_ENCRYPTION_KEY', (error as Error).message);
      }
    }
    if (config.OAUTH_SCOPE_MAP) {
      try {
        parseScopeMap(config.OAUTH_SCOPE_MAP);
      } catch (error) {
        problem('OAUTH_SCOPE_MAP', (error as Error).message);
      }
    }
    if (config.OAUTH_CLIENTS) {
      try {
        const clients: unknown = JSON.parse(config.OAUTH_CLIENTS);
        if (!Array.isArray(clients)) throw new Error('not an array');
      } catch {
        problem('OAUTH_CLIENTS', 'must be a JSON array of client metadata objects');
      }
    }
    if (config.REDIS_URL) {
      // Shared state means several replicas: each must sign, and read cookies, with the same keys.
      for (const variable of ['OAUTH_SIGNING_KEYS', 'OAUTH_ENCRYPTION_KEY'] as const)
        if (!config[variable])
          problem(variable, 'is required with REDIS_URL: every replica needs the same key');
    }
    if (local) return; // loopback: ephemeral keys and http:// are fine for development
    if (!config.OAUTH_SIGNING_KEYS)
      problem(
        'OAUTH_SIGNING_KEYS',
        'is required off loopback: tokens signed with an ephemeral key die with the process and differ per replica',
      );
    if (!config.OAUTH_ENCRYPTION_KEY)
      problem(
        'OAUTH_ENCRYPTION_KEY',
        'is required off loopback (cookies, consent tokens, upstream tokens)',
      );
    const resource = typeof config.RESOURCE_URI === 'string' ? config.RESOURCE_URI : undefined;
    if (resource?.startsWith('http://'))
      problem('RESOURCE_URI', 'must be https:// off loopback: the built-in issuer is its origin');
    for (const variable of [
      'UPSTREAM_ISSUER',
      'UPSTREAM_AUTHORIZATION_URL',
      'UPSTREAM_TOKEN_URL',
      'UPSTREAM_USERINFO_URL',
    ] as const)
      if (config[variable]?.startsWith('http://'))
        problem(variable, 'must be https:// off loopback');
    // The consent form posts from this server's own origin, and the Origin check in front of
    // every route refuses origins it does not list.
    const origin = resource && URL.parse(resource)?.origin;
    const origins = Array.isArray(config.ALLOWED_ORIGINS)
      ? (config.ALLOWED_ORIGINS as string[])
      : [];
    if (origin && !origins.includes(origin))
      problem('ALLOWED_ORIGINS', `must list ${origin}: the consent page posts from it`);
  },
);

export type AuthorizationServerConfig = z.output<
  z.ZodObject<typeof authorizationServerConfig.shape>
>;
