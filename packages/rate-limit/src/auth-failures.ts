/**
 * Failed authentication is not free: each wrong API key costs a hash and a comparison with
 * every key, each random token an introspection call to the authorization server. This limit
 * counts failures per client address and, past the limit, refuses the address with 429
 * before any credential is looked at, until its window ends.
 *
 * The classic shape (rate-limiter-flexible's login protection): look before, count after. A
 * success never resets a count, so a caller holding one good key cannot interleave it to keep
 * guessing. Requests already past the look when the limit is reached still finish, so a burst
 * sent at once can overshoot by what was in flight; everything after it is refused.
 */

import { RateLimitedError } from '@mcp-runway/errors';
import type { Logger } from '@mcp-runway/logging';
import { createRedisClient } from '@mcp-runway/redis';
import type { Redis } from 'ioredis';
import { assertValidBudget, createBudget, peek, type RateLimitBudget, spend } from './budget.js';
import { createOutageLog, type RateLimiterStats } from './outage.js';

export interface AuthFailureLimiterOptions extends RateLimitBudget {
  /** As the rate limiter's: a URL, your ioredis client, or undefined (in memory). */
  redis?: Redis | string | undefined;
  /** @default 'mcp-runway:auth-failures' */
  keyPrefix?: string;
  logger?: Logger | undefined;
  /** @default 60_000 */
  warnIntervalMs?: number;
  now?: () => number;
}

export interface AuthFailureLimiter {
  /** Where budgets are counted; an app may supply its own store (apps/cloudflare-workers). */
  readonly store: 'memory' | 'redis' | 'durable-object';
  readonly stats: RateLimiterStats;
  /**
   * Before any credential check: throws a `RateLimitedError` (429, `Retry-After` until the
   * window ends, limit `auth_failures`) when `key` has failed `points` times in its window.
   */
  admit(key: string): Promise<void>;
  /** Counts one refused credential against `key`. */
  failed(key: string): Promise<void>;
  close(): Promise<void>;
}

export function createAuthFailureLimiter(options: AuthFailureLimiterOptions): AuthFailureLimiter {
  assertValidBudget(options, 'failed-authentication limit');
  const redis =
    typeof options.redis === 'string' ? createRedisClient(options.redis) : options.redis;
  const owned = redis !== undefined && redis !== options.redis;
  if (redis && owned) {
    redis.on('error', (error) =>
      options.logger?.debug({ err: error }, 'auth failures: Redis error'),
    );
  }
  const outage = createOutageLog(
    options.logger,
    options.warnIntervalMs ?? 60_000,
    options.now ?? Date.now,
  );
  const budget = createBudget(options, options.keyPrefix ?? 'mcp-runway:auth-failures', redis);

  return {
    store: redis ? 'redis' : 'memory',
    get stats() {
      return outage.stats;
    },
    async admit(key) {
      const { spent } = await peek(budget, key, outage);
      if (spent === null || spent.consumedPoints < options.points) return;
      throw new RateLimitedError(Math.ceil(spent.msBeforeNext / 1000), {
        limit: 'auth_failures',
      });
    },
    async failed(key) {
      await spend(budget, key, 1, outage);
    },
    async close() {
      if (!redis || !owned) return;
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
