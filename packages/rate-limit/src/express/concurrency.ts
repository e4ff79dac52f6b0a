/**
 * Express 5 adapter for the concurrency limiter, the sibling of `../hono/concurrency`. A slot
 * is held until the response's `close` event, which Node emits exactly once, whether the
 * response finished, failed or its client went away.
 */
import type { Request, RequestHandler, Response } from 'express';
import {
  type ConcurrencyKind,
  type ConcurrencyLimiter,
  concurrencyLimitedError,
} from '../concurrency.js';

export interface ConcurrencyLimitMiddlewareOptions<L extends Record<string, unknown>> {
  limiter: ConcurrencyLimiter;
  /** Whose slots: the same key as the rate limit (`clientKey(...)`). */
  key: (req: Request, res: Response<unknown, L>) => string;
  /** What the request holds: a `call`, a `stream`, or nothing worth counting (undefined). */
  kind: (req: Request, res: Response<unknown, L>) => ConcurrencyKind | undefined;
}

export function concurrencyLimit<L extends Record<string, unknown> = Record<string, unknown>>(
  options: ConcurrencyLimitMiddlewareOptions<L>,
): RequestHandler<Request['params'], unknown, unknown, Request['query'], L> {
  return (req, res, next) => {
    const kind = options.kind(req, res);
    if (kind === undefined) return next();
    const decision = options.limiter.acquire(options.key(req, res), kind);
    if (!decision.allowed) throw concurrencyLimitedError(decision);
    // A client gone before this point (while its body was read) has had its `close` already.
    if (res.closed) decision.release();
    else res.once('close', decision.release);
    next();
  };
}
