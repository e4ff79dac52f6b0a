/**
 * Rate limits shared by every isolate, through a Durable Object, behind the rate-limit
 * package's interfaces (`RateLimiter`, `AuthFailureLimiter`): the pipeline cannot tell them
 * from the in-memory or Redis ones.
 *
 * Workers share no memory and have no Redis connection, so each budget lives in one Durable
 * Object per key (`idFromName(key)`): Cloudflare runs that object in one place, one request
 * at a time, so every isolate, everywhere, spends from the same counter. Inside the object
 * the package's own in-memory limiters do the counting (same costs, windows and give-back
 * rules as everywhere else). Counts live in the object's memory: when Cloudflare evicts an
 * idle object, its windows start afresh, which for a budget of seconds to minutes is what a
 * window does anyway.
 */
import { RateLimitedError } from '@mcp-runway/errors';
import { serverModule } from '@mcp-runway/example-server';
import {
  type AuthFailureLimiter,
  type ConsumeRequest,
  createAuthFailureLimiter,
  createRateLimiter,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimiterStats,
} from '@mcp-runway/rate-limit';
import { loadWorkerConfig } from './config.js';

/** What the Worker uses of a Durable Object namespace binding (`env.LIMITS`). */
export interface LimitsNamespace {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(input: string, init?: RequestInit): Promise<Response> };
}

/** Calls on the object, as JSON bodies; the URL's path names the call. */
type Call =
  | { op: 'consume'; key: string; request: ConsumeRequest }
  | { op: 'admit'; key: string }
  | { op: 'failed'; key: string };

async function call<T>(namespace: LimitsNamespace, scope: string, body: Call): Promise<T> {
  // One object per budget and key: `rate:<key>`, `auth:<address>`.
  const stub = namespace.get(namespace.idFromName(`${scope}:${body.key}`));
  const response = await stub.fetch(`https://limits/${body.op}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`rate-limit object answered ${response.status}`);
  return (await response.json()) as T;
}

/** No Redis, so no fallback to count: a failed call to the object fails the request (500). */
const noOutages: RateLimiterStats = { redisErrors: 0, degraded: false };

/** The rate limiter of the pipeline (`security.limiter`), counted in the Durable Object. */
export function durableRateLimiter(namespace: LimitsNamespace): RateLimiter {
  return {
    store: 'durable-object',
    stats: noOutages,
    consume: (key, request = {}) =>
      call<RateLimitDecision>(namespace, 'rate', { op: 'consume', key, request }),
    close: async () => {},
  };
}

/** The failed-authentication limit (`security.authFailures`), counted in the Durable Object. */
export function durableAuthFailures(namespace: LimitsNamespace): AuthFailureLimiter {
  return {
    store: 'durable-object',
    stats: noOutages,
    async admit(key) {
      const { retryAfterSeconds } = await call<{ retryAfterSeconds: number | null }>(
        namespace,
        'auth',
        { op: 'admit', key },
      );
      if (retryAfterSeconds !== null) {
        throw new RateLimitedError(retryAfterSeconds, { limit: 'auth_failures' });
      }
    },
    async failed(key) {
      await call(namespace, 'auth', { op: 'failed', key });
    },
    close: async () => {},
  };
}

/**
 * The Durable Object class (`RateLimits` in wrangler.jsonc). It reads the same configuration
 * as the Worker (RATE_LIMIT_*, AUTH_FAILURE_*) and the server's tool costs.
 */
export class RateLimits {
  readonly #limiter: RateLimiter;
  readonly #authFailures: AuthFailureLimiter;

  constructor(_state: unknown, env: Readonly<Record<string, unknown>>) {
    const config = loadWorkerConfig(env);
    this.#limiter = createRateLimiter({
      points: config.RATE_LIMIT_POINTS,
      durationSeconds: config.RATE_LIMIT_DURATION_S,
      costs: serverModule.toolPolicies,
    });
    this.#authFailures = createAuthFailureLimiter({
      points: config.AUTH_FAILURE_LIMIT,
      durationSeconds: config.AUTH_FAILURE_WINDOW_S,
    });
  }

  async fetch(request: Request): Promise<Response> {
    const body = (await request.json()) as Call;
    switch (body.op) {
      case 'consume':
        return Response.json(await this.#limiter.consume(body.key, body.request));
      case 'admit':
        try {
          await this.#authFailures.admit(body.key);
          return Response.json({ retryAfterSeconds: null });
        } catch (error) {
          if (!(error instanceof RateLimitedError)) throw error;
          return Response.json({ retryAfterSeconds: error.retryAfterSeconds });
        }
      case 'failed':
        await this.#authFailures.failed(body.key);
        return Response.json({});
    }
  }
}
