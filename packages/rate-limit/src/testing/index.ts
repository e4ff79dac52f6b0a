/** Real-Redis helpers for tests, shared with the apps' tests. */
export type { RedisServer } from './redis.js';
export { connectRedis, startRedisServer, uniquePrefix, waitFor } from './redis.js';
