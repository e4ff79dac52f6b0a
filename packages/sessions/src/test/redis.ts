/**
 * Real-Redis test helpers (the shared server at REDIS_URL, which must be up: tests fail loudly
 * without it; and dedicated redis-server processes a test may kill). One implementation for
 * the whole repo, in @mcp-runway/redis/testing.
 */
import { uniquePrefix as prefixFor } from '@mcp-runway/redis/testing';

export {
  connectRedis,
  deleteKeys,
  type RedisServer,
  SHARED_REDIS_URL,
  startRedisServer,
  waitFor,
} from '@mcp-runway/redis/testing';

/** Keys of one test run, so runs and other packages' tests never meet. */
export const uniquePrefix = (): string => prefixFor('sessions');
