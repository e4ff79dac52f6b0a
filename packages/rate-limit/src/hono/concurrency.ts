/**
 * Hono adapter for the concurrency limiter. A slot is held from the moment the request is let
 * through until its response is over. An event stream is over when its body has been read to
 * the end or cancelled (the client went away mid-stream); any other answer (JSON, an error) is
 * complete when the handler returns it, so its slot is freed then, without touching the body
 * (@hono/node-server writes a plain body on a fast path that reading it would lose). The
 * request being aborted (the client went away before the answer) frees it too. Whichever
 * comes first frees the slot; the others do nothing.
 */
import type { Context, Env, MiddlewareHandler } from 'hono';
import {
  type ConcurrencyKind,
  type ConcurrencyLimiter,
  concurrencyLimitedError,
} from '../concurrency.js';

export interface ConcurrencyLimitMiddlewareOptions<E extends Env> {
  limiter: ConcurrencyLimiter;
  /** Whose slots: the same key as the rate limit (`clientKey(...)`). */
  key: (c: Context<E>) => string;
  /** What the request holds: a `call`, a `stream`, or nothing worth counting (undefined). */
  kind: (c: Context<E>) => ConcurrencyKind | undefined;
}

/** The same bytes, and `done()` once they end, fail or are cancelled. */
function untilEnd(body: ReadableStream<Uint8Array>, done: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await reader.read();
        if (chunk.done) {
          done();
          controller.close();
        } else {
          controller.enqueue(chunk.value);
        }
      } catch (error) {
        done();
        controller.error(error);
      }
    },
    cancel(reason) {
      done();
      return reader.cancel(reason);
    },
  });
}

export function concurrencyLimit<E extends Env = Env>(
  options: ConcurrencyLimitMiddlewareOptions<E>,
): MiddlewareHandler<E> {
  return async (c, next) => {
    const kind = options.kind(c);
    if (kind === undefined) return next();
    const decision = options.limiter.acquire(options.key(c), kind);
    if (!decision.allowed) throw concurrencyLimitedError(decision);
    const { release } = decision;
    const { signal } = c.req.raw;
    signal.addEventListener('abort', release, { once: true });
    if (signal.aborted) release();
    try {
      await next();
    } catch (error) {
      release();
      throw error;
    }
    const streaming = c.res.headers.get('content-type')?.startsWith('text/event-stream');
    const body = streaming ? c.res.body : null;
    if (body === null) release();
    else c.res = new Response(untilEnd(body, release), c.res);
  };
}
