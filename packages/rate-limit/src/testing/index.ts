/** Real-Redis helpers for tests, shared with the other packages' and the apps' tests. */
export type { RedisServer } from './redis.js';
export {
  connectRedis,
  deleteKeys,
  SHARED_REDIS_URL,
  startRedisServer,
  uniquePrefix,
  waitFor,
} from './redis.js';
