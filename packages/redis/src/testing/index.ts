/** Real-Redis helpers for tests, shared by every package's and app's tests. */
export type { RedisServer } from './redis.js';
export {
  connectRedis,
  deleteKeys,
  SHARED_REDIS_URL,
  startRedisServer,
  uniquePrefix,
  waitFor,
} from './redis.js';
