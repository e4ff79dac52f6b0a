export type { ConnectRedisOptions, RedisClientOptions } from './client.js';
export {
  closeRedis,
  connectRedis,
  createRedisClient,
  REQUEST_PATH_REDIS_OPTIONS,
  resolveRedis,
} from './client.js';
export { redisConfig } from './config.js';
