/**
 * Express 5 adapter for the rate limiter, the sibling of `../hono`. It only translates: read
 * the key, tool and cost from the request, ask the core, throw its refusal (the app's error
 * handler answers 429) or put the `RateLimit-*` headers on the response before it is written.
 */
import type { Request, RequestHandler, Response } from 'express';
import { rateLimitedError, rateLimitHeaders } from '../headers.js';
import type { RateLimiter } from '../limiter.js';

export interface RateLimitMiddlewareOptions<L extends Record<string, unknown>> {
  limiter: RateLimiter;
  /**
   * Whose budget: usually `clientKey({ principalId, remoteAddress: req.socket.remoteAddress,
   * forwardedFor: req.get('x-forwarded-for'), trustProxy })`. Leave Express's own
   * `trust proxy` off: `clientKey` decides how far X-Forwarded-For is believed.
   */
  key: (req: Request, res: Response<unknown, L>) => string;
  /** The tool being called (`res.locals.mcp?.toolName`), for its cost and its own limit. */
  tool?: (req: Request, res: Response<unknown, L>) => string | undefined;
  /** Points to spend, overriding the tool's configured cost. */
  cost?: (req: Request, res: Response<unknown, L>) => number | undefined;
}

export function rateLimit<L extends Record<string, unknown> = Record<string, unknown>>(
  options: RateLimitMiddlewareOptions<L>,
): RequestHandler<Request['params'], unknown, unknown, Request['query'], L> {
  return async (req, res, next) => {
    const decision = await options.limiter.consume(options.key(req, res), {
      tool: options.tool?.(req, res),
      cost: options.cost?.(req, res),
    });
    if (!decision.allowed) throw rateLimitedError(decision);
    res.set(rateLimitHeaders(decision));
    next();
  };
}

export type { ConcurrencyLimitMiddlewareOptions } from './concurrency.js';
export { concurrencyLimit } from './concurrency.js';
