/**
 * Hono adapter for the rate limiter. It only translates: read the key, tool and cost from the
 * context, ask the core, throw its refusal (the app's `errorHandler` answers 429) or put the
 * `RateLimit-*` headers on the response.
 */
import type { Context, Env, MiddlewareHandler } from 'hono';
import { rateLimitedError, rateLimitHeaders } from '../headers.js';
import type { RateLimiter } from '../limiter.js';

export interface RateLimitMiddlewareOptions<E extends Env> {
  limiter: RateLimiter;
  /** Whose budget: usually `clientKey({ principalId, remoteAddress, forwardedFor, ... })`. */
  key: (c: Context<E>) => string;
  /** The tool being called (`c.get('mcp')?.toolName`), for its cost and its own limit. */
  tool?: (c: Context<E>) => string | undefined;
  /** Points to spend, overriding the tool's configured cost. */
  cost?: (c: Context<E>) => number | undefined;
}

export function rateLimit<E extends Env = Env>(
  options: RateLimitMiddlewareOptions<E>,
): MiddlewareHandler<E> {
  return async (c, next) => {
    const decision = await options.limiter.consume(options.key(c), {
      tool: options.tool?.(c),
      cost: options.cost?.(c),
    });
    if (!decision.allowed) throw rateLimitedError(decision);
    await next();
    for (const [name, value] of Object.entries(rateLimitHeaders(decision))) {
      c.res.headers.set(name, value);
    }
  };
}

export type { ConcurrencyLimitMiddlewareOptions } from './concurrency.js';
export { concurrencyLimit } from './concurrency.js';
