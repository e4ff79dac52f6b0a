import { configPiece } from '@mcp-runway/config';
import { z } from 'zod';

/** Shared state for several instances. Unset means everything stays in memory. */
export const redisConfig = configPiece({
  /** `redis://[:password@]host:port[/db]` or `rediss://` (TLS). Unset: in memory. */
  REDIS_URL: z.url().optional(),
});
