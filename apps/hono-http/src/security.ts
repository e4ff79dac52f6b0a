/**
 * Step 3: who may call, and how often. Builds the authenticator (API keys or an OAuth 2.1
 * resource server), the Protected Resource Metadata document, and the rate limiter from the
 * configuration. The pipeline (app.ts) decides where they run.
 */
import {
  type Authenticator,
  type Challenge,
  canonicalResourceUri,
  createApiKeyAuthenticator,
  createIntrospectionAuthenticator,
  createJwtAuthenticator,
  discoverIssuerMetadata,
  loadApiKeys,
  type ProtectedResourceMetadata,
  prmUrls,
  protectedResourceMetadata,
} from '@mcp-runway/auth';
import { toolPolicies } from '@mcp-runway/example-server';
import { isLoopbackAddress } from '@mcp-runway/http';
import type { Logger } from '@mcp-runway/logging';
import {
  createRateLimiter,
  createRedisClient,
  parseTrustProxy,
  type RateLimiter,
  type TrustProxy,
} from '@mcp-runway/rate-limit';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';

export interface Authentication {
  authenticator: Authenticator;
  /** What 401 and 403 answers advertise (metadata URL, scopes). */
  challenge: Challenge;
  /** OAuth only: the RFC 9728 document and the paths it is served at. */
  metadata?: { document: ProtectedResourceMetadata; paths: readonly string[] };
}

export interface Security {
  /** Undefined when AUTH_MODE=none. */
  auth: Authentication | undefined;
  limiter: RateLimiter;
  trustProxy: TrustProxy;
  /** Closes the limiter and its Redis connection. */
  close(): Promise<void>;
}

/** The canonical URI of this server's MCP endpoint: the audience tokens must name. */
export function resourceUri(config: Config): string {
  if (config.RESOURCE_URI) return canonicalResourceUri(config.RESOURCE_URI);
  const host =
    isLoopbackAddress(config.HOST) && config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  return canonicalResourceUri(`http://${host}:${config.PORT}${config.MCP_PATH}`);
}

async function createAuthentication(
  config: Config,
  logger: Logger,
): Promise<Authentication | undefined> {
  if (config.AUTH_MODE === 'none') return undefined;
  if (config.AUTH_MODE === 'apikey') {
    const entries = await loadApiKeys({ value: config.API_KEYS, file: config.API_KEYS_FILE });
    return { authenticator: createApiKeyAuthenticator(entries, { logger }), challenge: {} };
  }
  const issuer = config.OAUTH_ISSUER as string; // required by the config schema in oauth mode
  const resource = resourceUri(config);
  const prm = prmUrls(resource);
  const challenge: Challenge = { resourceMetadataUrl: prm.url, scopes: config.OAUTH_SCOPES };
  const toolScopes = Object.values(toolPolicies).flatMap((policy) => policy.scopes);
  const document = protectedResourceMetadata({
    resource,
    authorizationServers: [issuer],
    scopesSupported: [...new Set([...config.OAUTH_SCOPES, ...toolScopes])],
    resourceName: 'mcp-runway tickets',
  });
  const authenticator =
    config.OAUTH_INTROSPECTION_URL &&
    config.OAUTH_INTROSPECTION_CLIENT_ID &&
    config.OAUTH_INTROSPECTION_CLIENT_SECRET
      ? createIntrospectionAuthenticator({
          introspectionUrl: config.OAUTH_INTROSPECTION_URL,
          clientId: config.OAUTH_INTROSPECTION_CLIENT_ID,
          clientSecret: config.OAUTH_INTROSPECTION_CLIENT_SECRET,
          issuer,
          audience: resource,
          challenge,
          logger,
        })
      : createJwtAuthenticator({
          issuer,
          audience: resource,
          jwksUrl: config.OAUTH_JWKS_URL ?? (await discoverJwksUrl(issuer)),
          challenge,
          logger,
        });
  return { authenticator, challenge, metadata: { document, paths: prm.paths } };
}

async function discoverJwksUrl(issuer: string): Promise<string> {
  const metadata = await discoverIssuerMetadata(issuer);
  if (!metadata.jwks_uri) throw new Error(`${issuer} publishes no jwks_uri; set OAUTH_JWKS_URL`);
  return metadata.jwks_uri;
}

/**
 * Connects before the app listens, so the first requests already share the budget; if Redis
 * is not there yet the app starts anyway, on per-instance budgets, and shares once it is.
 */
async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = createRedisClient(url);
  // ioredis reports every failed reconnect; the limiter's outage log already says it once.
  redis.on('error', (error) => logger.debug({ err: error }, 'redis error'));
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => redis.once('ready', () => resolve(true))),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000).unref()),
  ]);
  if (!ready) logger.warn('Redis is not reachable yet: rate limits are per instance until it is');
  return redis;
}

export async function createSecurity(config: Config, logger: Logger): Promise<Security> {
  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, logger) : undefined;
  const limiter = createRateLimiter({
    points: config.RATE_LIMIT_POINTS,
    durationSeconds: config.RATE_LIMIT_DURATION_S,
    costs: toolPolicies,
    redis,
    logger,
  });
  return {
    auth: await createAuthentication(config, logger),
    limiter,
    trustProxy: parseTrustProxy(config.TRUST_PROXY),
    async close() {
      await limiter.close();
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
