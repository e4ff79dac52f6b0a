/**
 * Who may call, how often, and how much at once. Builds the authenticator (API keys
 * or an OAuth 2.1 resource server) with its limit on failed authentication, the rate limiter
 * and the concurrency limiter from the configuration, for the MCP server the app mounts (its
 * tool scopes and costs). The pipeline decides where they run.
 */
import {
  type AuthConfig,
  type Authentication,
  type BuiltinIssuer,
  createAuthentication,
  type Endpoint,
} from '@mcp-runway/auth';
import type { Logger } from '@mcp-runway/logging';
import {
  type AuthFailureLimiter,
  type ConcurrencyLimiter,
  createAuthFailureLimiter,
  createConcurrencyLimiter,
  createRateLimiter,
  parseTrustProxy,
  type RateLimitConfig,
  type RateLimiter,
  type TrustProxy,
} from '@mcp-runway/rate-limit';
import type { Redis } from 'ioredis';

export interface Security {
  /** Undefined when AUTH_MODE=none. */
  auth: Authentication | undefined;
  /** Failed authentications per client address (undefined when AUTH_MODE=none). */
  authFailures: AuthFailureLimiter | undefined;
  limiter: RateLimiter;
  /** Tool calls and streams one caller, and everyone, may hold at once (in this process). */
  concurrency: ConcurrencyLimiter;
  trustProxy: TrustProxy;
  /** Closes the limiters (the Redis connection belongs to the app, which closes it). */
  close(): Promise<void>;
}

/** What security needs to know of the MCP server it protects. */
export interface ProtectedServer {
  info: { name: string };
  toolPolicies: Readonly<
    Record<string, { readonly scopes: readonly string[]; readonly cost: number }>
  >;
}

export interface SecurityOptions {
  logger: Logger;
  server: ProtectedServer;
  /** The process's one Redis connection: limits are shared through it. Unset: in memory. */
  redis?: Redis | undefined;
  /**
   * OAUTH_SERVER=builtin: the authorization server in this process (@mcp-runway/authorization-server),
   * whose tokens the resource server accepts.
   */
  authorizationServer?: BuiltinIssuer | undefined;
}

export async function createSecurity(
  config: AuthConfig & RateLimitConfig & Endpoint & { REDIS_KEY_PREFIX?: string },
  { logger, server, redis, authorizationServer }: SecurityOptions,
): Promise<Security> {
  const limiter = createRateLimiter({
    points: config.RATE_LIMIT_POINTS,
    durationSeconds: config.RATE_LIMIT_DURATION_S,
    costs: server.toolPolicies,
    redis,
    ...(config.REDIS_KEY_PREFIX && { keyPrefix: `${config.REDIS_KEY_PREFIX}:rate-limit` }),
    logger,
  });
  const auth = await createAuthentication(config, {
    logger,
    toolPolicies: server.toolPolicies,
    resourceName: server.info.name,
    authorizationServer,
  });
  // Shared through the same Redis as the budgets: a guesser gets one count, not one per
  // instance.
  const authFailures =
    auth &&
    createAuthFailureLimiter({
      points: config.AUTH_FAILURE_LIMIT,
      durationSeconds: config.AUTH_FAILURE_WINDOW_S,
      redis,
      ...(config.REDIS_KEY_PREFIX && { keyPrefix: `${config.REDIS_KEY_PREFIX}:auth-failures` }),
      logger,
    });
  return {
    auth,
    authFailures,
    limiter,
    concurrency: createConcurrencyLimiter({
      calls: { perKey: config.MAX_CONCURRENT_CALLS, total: config.MAX_CONCURRENT_CALLS_TOTAL },
      streams: {
        perKey: config.MAX_CONCURRENT_STREAMS,
        total: config.MAX_CONCURRENT_STREAMS_TOTAL,
      },
    }),
    trustProxy: parseTrustProxy(config.TRUST_PROXY),
    async close() {
      await Promise.all([limiter.close(), authFailures?.close()]);
    },
  };
}
