import { configPiece } from '@mcp-runway/config';
import { z } from 'zod';

/** Shared state for several instances. Unset means everything stays in memory. */
export const redisConfig = configPiece({
  /** `redis://[:password@]host:port[/db]` or `rediss://` (TLS). Unset: in memory. */
  REDIS_URL: z.url().optional(),
  /**
   * The start of every key this app writes (`<prefix>:rate-limit:*`, `<prefix>:sessions:*`,
   * `<prefix>:events:*`), so several apps can share one Redis without sharing keys.
   */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w.-]+$/, 'letters, digits, ".", "-" or "_"')
    .default('mcp-runway'),
});
