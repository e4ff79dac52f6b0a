import { configPiece, positiveInt } from '@mcp-runway/config';
import { z } from 'zod';

/** How often. The global budget, and which proxies' X-Forwarded-For to believe. */
export const rateLimitConfig = configPiece({
  /** Points each principal (or client IP, when anonymous) may spend per window. */
  RATE_LIMIT_POINTS: positiveInt(300),
  RATE_LIMIT_DURATION_S: positiveInt(60),
  /** Proxies in front of the app whose X-Forwarded-For to trust: a hop count or addresses/CIDRs. */
  TRUST_PROXY: z.string().optional(),
});

export type RateLimitConfig = z.output<z.ZodObject<typeof rateLimitConfig.shape>>;
