/**
 * The built-in authorization server as the configuration asks for it (AUTH_MODE=oauth,
 * OAUTH_SERVER=builtin), or none. On loopback, what production must configure is made up for
 * the process: an ephemeral signing key and encryption key, and http:// client metadata
 * documents from this machine.
 */
import { randomBytes } from 'node:crypto';
import { type AuthConfig, type Endpoint, resourceUri } from '@mcp-runway/auth';
import { isLoopbackAddress } from '@mcp-runway/config';
import type { Logger } from '@mcp-runway/logging';
import { clientKey, createRateLimiter, parseTrustProxy } from '@mcp-runway/rate-limit';
import type { Redis } from 'ioredis';
import type { AuthorizationServerConfig } from './config.js';
import { ephemeralSigningKeys, parseSigningKeys } from './keys.js';
import { createRedisStore } from './redis-store.js';
import { parseScopeMap } from './scope-map.js';
import { type AuthorizationServer, createAuthorizationServer } from './server.js';
import type { OAuth2Endpoints } from './upstream.js';

export type BuiltinServerConfig = AuthorizationServerConfig &
  Pick<AuthConfig, 'AUTH_MODE' | 'OAUTH_SERVER' | 'OAUTH_SCOPES' | 'RESOURCE_URI'> &
  Endpoint & {
    NODE_ENV?: string;
    TRUST_PROXY?: string | undefined;
    REDIS_KEY_PREFIX?: string;
  };

export interface AuthorizationServerFromConfig {
  logger: Logger;
  /** Shown on the consent page: the MCP server's name. */
  resourceName: string;
  /** The process's Redis connection (REDIS_URL): state shared by every replica. */
  redis?: Redis | undefined;
  /** The MCP server's tools and their scopes: with OAUTH_SCOPES, every scope it offers. */
  toolPolicies: Readonly<Record<string, { readonly scopes: readonly string[] }>>;
  now?: () => number;
}

export async function createAuthorizationServerFromConfig(
  config: BuiltinServerConfig,
  { logger, resourceName, toolPolicies, redis, now }: AuthorizationServerFromConfig,
): Promise<AuthorizationServer | undefined> {
  if (config.AUTH_MODE !== 'oauth' || config.OAUTH_SERVER !== 'builtin') return undefined;
  const local = isLoopbackAddress(config.HOST);
  const trustProxy = parseTrustProxy(config.TRUST_PROXY);
  // The MCP endpoint's canonical URI: the tokens' audience; its origin is the issuer.
  const resource = resourceUri(config);
  // The config refuses a non-loopback start without these; on loopback they are made up.
  const signingKeys = config.OAUTH_SIGNING_KEYS
    ? parseSigningKeys(config.OAUTH_SIGNING_KEYS)
    : await ephemeralSigningKeys();
  if (!config.OAUTH_SIGNING_KEYS)
    logger.warn(
      'OAUTH_SIGNING_KEYS unset: tokens are signed with an ephemeral key (loopback development only)',
    );
  const toolScopes = Object.values(toolPolicies).flatMap((policy) => policy.scopes);
  const scopes = [...new Set([...config.OAUTH_SCOPES, ...toolScopes])];
  const encryptionKey = config.OAUTH_ENCRYPTION_KEY ?? randomBytes(32).toString('base64url');
  return createAuthorizationServer({
    issuer: new URL(resource).origin,
    resource,
    resourceName,
    scopes,
    defaultScopes: config.OAUTH_SCOPES,
    signingKeys,
    encryptionKey,
    upstream: {
      // A plain OAuth 2.0 provider has no issuer of its own: its authorization URL's origin.
      issuer: config.UPSTREAM_ISSUER ?? new URL(config.UPSTREAM_AUTHORIZATION_URL as string).origin,
      oauth2: oauth2(config),
      clientId: config.UPSTREAM_CLIENT_ID as string,
      clientSecret: config.UPSTREAM_CLIENT_SECRET,
      scopes: config.UPSTREAM_SCOPES ?? (oauth2(config) ? [] : ['openid', 'email', 'profile']),
      allowHttp: local,
    },
    scopeMap: config.OAUTH_SCOPE_MAP ? parseScopeMap(config.OAUTH_SCOPE_MAP) : undefined,
    clients: config.OAUTH_CLIENTS
      ? (JSON.parse(config.OAUTH_CLIENTS) as Record<string, unknown>[])
      : [],
    store:
      redis &&
      createRedisStore({
        redis,
        keyPrefix: config.REDIS_KEY_PREFIX ?? 'mcp-runway',
        clientIdleTtlSeconds: config.OAUTH_DCR_CLIENT_IDLE_TTL_S,
      }),
    registration: {
      dcr: config.OAUTH_DCR,
      clientIdleTtlSeconds: config.OAUTH_DCR_CLIENT_IDLE_TTL_S,
      cimd: config.OAUTH_CIMD,
      loopbackCimd: local && config.NODE_ENV !== 'production',
    },
    ttl: {
      accessTokenSeconds: config.OAUTH_ACCESS_TOKEN_TTL_S,
      refreshTokenSeconds: config.OAUTH_REFRESH_TOKEN_TTL_S,
    },
    revocationCacheMs: config.OAUTH_REVOCATION_CACHE_MS,
    trustProxy: Boolean(config.TRUST_PROXY),
    endpointLimits: {
      authorize: endpointLimiter(config, config.OAUTH_AUTHORIZE_LIMIT, 'authorize', redis, logger),
      token: endpointLimiter(config, config.OAUTH_TOKEN_LIMIT, 'token', redis, logger),
      clientKey: (request) =>
        clientKey({
          remoteAddress: request.socket.remoteAddress,
          forwardedFor: request.headers['x-forwarded-for'] as string | undefined,
          trustProxy,
        }),
    },
    registrationLimit: {
      limit: config.OAUTH_DCR_LIMIT,
      windowSeconds: config.OAUTH_DCR_WINDOW_S,
      // Whose registrations count together: the client address, as the rate limits see it.
      clientKey: (request) =>
        clientKey({
          remoteAddress: request.socket.remoteAddress,
          forwardedFor: request.headers['x-forwarded-for'] as string | undefined,
          trustProxy,
        }),
    },
    logger,
    ...(now && { now }),
  });
}

/** Per client address, shared by the replicas through Redis (per instance while it is away). */
function endpointLimiter(
  config: BuiltinServerConfig,
  points: number,
  endpoint: string,
  redis: Redis | undefined,
  logger: Logger,
) {
  return createRateLimiter({
    points,
    durationSeconds: config.OAUTH_ENDPOINT_WINDOW_S,
    redis,
    keyPrefix: `${config.REDIS_KEY_PREFIX ?? 'mcp-runway'}:oauth-limit:${endpoint}`,
    logger,
  });
}

function oauth2(config: AuthorizationServerConfig): OAuth2Endpoints | undefined {
  const { UPSTREAM_AUTHORIZATION_URL, UPSTREAM_TOKEN_URL, UPSTREAM_USERINFO_URL } = config;
  if (!UPSTREAM_AUTHORIZATION_URL || !UPSTREAM_TOKEN_URL || !UPSTREAM_USERINFO_URL)
    return undefined;
  return {
    authorization: UPSTREAM_AUTHORIZATION_URL,
    token: UPSTREAM_TOKEN_URL,
    userinfo: UPSTREAM_USERINFO_URL,
    subjectClaim: config.UPSTREAM_SUBJECT_CLAIM,
  };
}
