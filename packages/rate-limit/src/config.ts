import { configPiece, positiveInt } from '@mcp-runway/config';
import { z } from 'zod';

/**
 * How often, and how much at once. The global budget, what one caller may hold open
 * (per principal, or per client address when anonymous) and what everyone may hold together
 * in this process, how many failed authentications one client address gets, and which
 * proxies' X-Forwarded-For to believe.
 */
export const rateLimitConfig = configPiece(
  {
    /** Points each principal (or client IP, when anonymous) may spend per window. */
    RATE_LIMIT_POINTS: positiveInt(300),
    RATE_LIMIT_DURATION_S: positiveInt(60),
    /** Tool calls one caller may have running at once; one more gets 429. */
    MAX_CONCURRENT_CALLS: positiveInt(10),
    /** Tool calls running at once in this process, all callers together. */
    MAX_CONCURRENT_CALLS_TOTAL: positiveInt(1000),
    /** Streams (subscriptions/listen, a 2025 session's GET) one caller may hold open at once. */
    MAX_CONCURRENT_STREAMS: positiveInt(10),
    /** Streams open at once in this process, all callers together. */
    MAX_CONCURRENT_STREAMS_TOTAL: positiveInt(1000),
    /** Failed authentications one client address may have per window; then 429, unchecked. */
    AUTH_FAILURE_LIMIT: positiveInt(20),
    AUTH_FAILURE_WINDOW_S: positiveInt(60),
    /** Proxies in front of the app whose X-Forwarded-For to trust: a hop count or addresses/CIDRs. */
    TRUST_PROXY: z.string().optional(),
  },
  (config, problem) => {
    for (const kind of ['CALLS', 'STREAMS'] as const) {
      const perCaller = config[`MAX_CONCURRENT_${kind}`];
      const total = config[`MAX_CONCURRENT_${kind}_TOTAL`];
      if (perCaller > total) {
        problem(
          `MAX_CONCURRENT_${kind}`,
          `is ${perCaller}, above MAX_CONCURRENT_${kind}_TOTAL=${total}: one caller could never get it`,
        );
      }
    }
  },
);

export type RateLimitConfig = z.output<z.ZodObject<typeof rateLimitConfig.shape>>;
