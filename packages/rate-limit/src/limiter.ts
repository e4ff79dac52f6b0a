/**
 * The rate limiter: a global budget of points per key, per-tool costs, optional per-tool
 * limits, in memory or shared by every instance through Redis.
 */
import type { Logger } from '@mcp-runway/logging';
import { createRedisClient } from '@mcp-runway/redis';
import type { Redis } from 'ioredis';
import {
  assertValidBudget,
  type Budget,
  createBudget,
  giveBack,
  type Outcome,
  type RateLimitBudget,
  spend,
} from './budget.js';
import { assertValidCost, assertValidCosts, type ToolCosts, toolCost } from './costs.js';
import { createOutageLog, type RateLimiterStats } from './outage.js';

export interface RateLimiterOptions extends RateLimitBudget {
  /** Points per tool call. @default every call costs 1 */
  costs?: ToolCosts | undefined;
  /**
   * Extra limits for named tools, counted in calls (each call 1), on top of the global budget:
   * `{ long_job: { points: 5, durationSeconds: 60 } }`.
   */
  toolLimits?: Readonly<Record<string, RateLimitBudget>>;
  /**
   * Share budgets between instances: a URL (the limiter creates the client with
   * `createRedisClient` and closes it) or your ioredis client (you close it; give it the
   * `REQUEST_PATH_REDIS_OPTIONS` and an `error` listener). Without it (or with `undefined`,
   * so `REDIS_URL` can be passed as it is), budgets are in memory, per process.
   *
   * While Redis is unreachable each instance falls back to its own memory budget of the same
   * size (fail open to a local limit): requests keep being answered, still limited, and each
   * fallback counts in `stats.redisErrors`. While the client's circuit breaker is open (a
   * client from @mcp-runway/redis) the memory budget answers without a call to Redis. When
   * Redis answers again, budgets are shared again.
   */
  redis?: Redis | string | undefined;
  /** Prefix of every key, in Redis and in memory. @default 'mcp-runway:rate-limit' */
  keyPrefix?: string;
  /** Receives the outage warnings (at most one per `warnIntervalMs`). */
  logger?: Logger | undefined;
  /** @default 60_000 */
  warnIntervalMs?: number;
  /** The clock for the warning interval; tests pass their own. @default Date.now */
  now?: () => number;
}

export interface ConsumeRequest {
  /** The tool being called: picks its cost and its own limit, if any. */
  tool?: string | undefined;
  /** Points to spend, overriding the tool's cost. */
  cost?: number | undefined;
}

/** What the limiter decided, and what the `RateLimit-*` headers say about the budget. */
export interface RateLimitDecision {
  allowed: boolean;
  /** The size of the budget that is closest to running out (the one that refused, if any). */
  limit: number;
  remaining: number;
  /** Seconds until that budget's window resets. */
  resetSeconds: number;
  /** Refusals only: seconds to wait, at least 1. */
  retryAfterSeconds?: number;
  /** Present when Redis was unreachable and the per-instance budget decided. */
  degraded?: true;
}

export interface RateLimiter {
  /** Where budgets are counted; an app may supply its own store (apps/cloudflare-workers). */
  readonly store: 'memory' | 'redis' | 'durable-object';
  readonly stats: RateLimiterStats;
  /** Spends `cost` points of `key`'s budget (and one call of the tool's own limit). */
  consume(key: string, request?: ConsumeRequest): Promise<RateLimitDecision>;
  /** Closes the Redis client if the limiter created it. */
  close(): Promise<void>;
}

function decide(outcomes: readonly Outcome[]): RateLimitDecision {
  // The last outcome is the refusal if there is one (spending stops there), else report the
  // budget with the fewest points left.
  const last = outcomes.at(-1) as Outcome;
  const deciding = last.allowed
    ? outcomes.reduce((a, b) => (b.result.remainingPoints < a.result.remainingPoints ? b : a))
    : last;
  const resetSeconds = Math.max(0, Math.ceil(deciding.result.msBeforeNext / 1000));
  const decision: RateLimitDecision = {
    allowed: deciding.allowed,
    limit: deciding.limit,
    remaining: deciding.allowed ? deciding.result.remainingPoints : 0,
    resetSeconds,
  };
  if (!deciding.allowed) decision.retryAfterSeconds = Math.max(1, resetSeconds);
  if (outcomes.some((outcome) => outcome.degraded)) decision.degraded = true;
  return decision;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  assertValidBudget(options, 'rate limit');
  assertValidCosts(options.costs, options.points);
  const keyPrefix = options.keyPrefix ?? 'mcp-runway:rate-limit';
  const redis =
    typeof options.redis === 'string' ? createRedisClient(options.redis) : options.redis;
  const owned = redis !== undefined && redis !== options.redis;
  if (redis && owned) {
    // ioredis reports every failed reconnect as an `error` event; the outage log already warns.
    redis.on('error', (error) => options.logger?.debug({ err: error }, 'rate limit: Redis error'));
  }
  const outage = createOutageLog(
    options.logger,
    options.warnIntervalMs ?? 60_000,
    options.now ?? Date.now,
  );

  const global = createBudget(options, `${keyPrefix}:global`, redis);
  const toolBudgets = new Map<string, Budget>();
  for (const [tool, budget] of Object.entries(options.toolLimits ?? {})) {
    assertValidBudget(budget, `rate limit of tool "${tool}"`);
    toolBudgets.set(tool, createBudget(budget, `${keyPrefix}:tool:${tool}`, redis));
  }

  return {
    store: redis ? 'redis' : 'memory',
    get stats() {
      return outage.stats;
    },
    async consume(key, request = {}) {
      const cost = request.cost ?? toolCost(options.costs, request.tool);
      assertValidCost(cost, 'cost');
      const toolBudget = request.tool === undefined ? undefined : toolBudgets.get(request.tool);
      // The tool's own limit (one call) first, then the global budget (the cost); a refusal
      // stops there and gives back what the call took so far.
      const charges: [Budget, number][] = toolBudget
        ? [
            [toolBudget, 1],
            [global, cost],
          ]
        : [[global, cost]];
      const outcomes: Outcome[] = [];
      for (const [budget, points] of charges) {
        const outcome = await spend(budget, key, points, outage);
        outcomes.push(outcome);
        if (!outcome.allowed) {
          await giveBack(outcomes, key);
          break;
        }
      }
      return decide(outcomes);
    },
    async close() {
      if (!redis || !owned) return;
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
