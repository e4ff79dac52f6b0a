/**
 * One budget (the global one, or a tool's own limit) and how a call spends from it: Redis
 * first when configured, the per-instance memory budget when Redis fails or its circuit is open.
 */
import { circuitOf, type RedisCircuit } from '@mcp-runway/redis';
import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import type { OutageLog } from './outage.js';

export interface RateLimitBudget {
  /** Points each key may spend per window. */
  points: number;
  /** The window, in whole seconds, from a key's first call in it (a fixed window per key). */
  durationSeconds: number;
}

export interface Budget {
  limit: number;
  /** Redis when configured, else memory. */
  shared: RateLimiterAbstract;
  /** Only with Redis: the per-instance budget used while Redis is unreachable. */
  local: RateLimiterMemory | undefined;
  /** The circuit breaker of a client from @mcp-runway/redis; while open, memory answers. */
  circuit: RedisCircuit | undefined;
}

export interface Outcome {
  allowed: boolean;
  limit: number;
  result: RateLimiterRes;
  degraded: boolean;
  /** Where the points went (Redis, or the memory fallback) and how many, to give them back. */
  spentFrom: RateLimiterAbstract;
  points: number;
}

export function assertValidBudget(budget: RateLimitBudget, what: string): void {
  for (const value of [budget.points, budget.durationSeconds]) {
    if (!Number.isInteger(value) || value < 1) {
      throw new TypeError(`${what}: points and durationSeconds must be whole numbers above 0`);
    }
  }
}

export function createBudget(budget: RateLimitBudget, keyPrefix: string, redis?: Redis): Budget {
  const options = { points: budget.points, duration: budget.durationSeconds, keyPrefix };
  if (!redis) {
    return {
      limit: budget.points,
      shared: new RateLimiterMemory(options),
      local: undefined,
      circuit: undefined,
    };
  }
  return {
    limit: budget.points,
    // Not ready (disconnected, reconnecting) fails at once instead of waiting for ioredis.
    shared: new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true }),
    local: new RateLimiterMemory(options),
    circuit: circuitOf(redis),
  };
}

/** rate-limiter-flexible rejects with a RateLimiterRes for a refusal, an Error for a failure. */
async function attempt(
  limiter: RateLimiterAbstract,
  key: string,
  points: number,
): Promise<Pick<Outcome, 'allowed' | 'result' | 'spentFrom' | 'points'>> {
  try {
    return {
      allowed: true,
      result: await limiter.consume(key, points),
      spentFrom: limiter,
      points,
    };
  } catch (reason) {
    if (reason instanceof RateLimiterRes) {
      return { allowed: false, result: reason, spentFrom: limiter, points };
    }
    throw reason;
  }
}

/**
 * The insurance strategy of rate-limiter-flexible (`insuranceLimiter`), written out so that
 * every fallback is counted, logged and flagged on the decision.
 */
export async function spend(
  budget: Budget,
  key: string,
  points: number,
  outage: OutageLog,
): Promise<Outcome> {
  const { limit } = budget;
  if (!budget.local) {
    return { ...(await attempt(budget.shared, key, points)), limit, degraded: false };
  }
  try {
    // An open circuit: straight to memory. The client would refuse the command anyway; this
    // spares the call into rate-limiter-flexible and ioredis that ends in that refusal.
    if (budget.circuit && !budget.circuit.closed) throw budget.circuit.refuse();
    const outcome = await attempt(budget.shared, key, points);
    outage.succeeded();
    return { ...outcome, limit, degraded: false };
  } catch (error) {
    outage.failed(error);
    return { ...(await attempt(budget.local, key, points)), limit, degraded: true };
  }
}

/**
 * What `key` has spent in its current window, without spending: null when nothing (or its
 * window is over). The same fallback as `spend`: the memory budget while Redis fails.
 */
export async function peek(
  budget: Budget,
  key: string,
  outage: OutageLog,
): Promise<{ spent: RateLimiterRes | null; degraded: boolean }> {
  if (!budget.local) return { spent: await budget.shared.get(key), degraded: false };
  try {
    const spent = await budget.shared.get(key);
    outage.succeeded();
    return { spent, degraded: false };
  } catch (error) {
    outage.failed(error);
    return { spent: await budget.local.get(key), degraded: true };
  }
}

/**
 * rate-limiter-flexible counts the points of a refused call too; giving them back means a
 * refused call spends nothing, so a refused expensive call does not lock out a cheap one.
 * Best effort: if Redis fails in between, the points stay spent until the window ends.
 */
export async function giveBack(outcomes: readonly Outcome[], key: string): Promise<void> {
  await Promise.all(
    outcomes.map((outcome) => outcome.spentFrom.reward(key, outcome.points).catch(() => undefined)),
  );
}
